/* /api/v2/help_center: the knowledge base in Zendesk Help Center's shapes
 * (kb/kb.h, docs/kb.md).
 *   GET/POST   /categories                      GET/PUT /categories/{id}
 *   GET/POST   /categories/{id}/translations    (a category's name in a locale)
 *   GET/POST   /categories/{id}/sections        GET /categories/{id}/articles
 *   GET        /sections                        GET/PUT /sections/{id}
 *   GET/POST   /sections/{id}/translations
 *   GET/POST   /sections/{id}/articles
 *   GET        /articles                        GET/PUT/DELETE /articles/{id}
 *   GET        /articles/labels                 GET /translations/missing?locale=
 *   GET/POST   /articles/{id}/translations      GET /articles/{id}/translations/missing
 *   GET/PUT    /articles/{id}/translations/{locale}
 *   GET        /articles/{id}/translations/{locale}/revisions[/{n}[/diff?against=m]]
 *   POST       /articles/{id}/translations/{locale}/revisions/{n}/restore
 *   POST       /articles/{id}/up, /articles/{id}/down  {"locale", "voter_key"}
 * Agents and admins write (the route rows say so); anyone reads, and
 * readers who are not agents see only what fl_kb_visible lets them: the
 * rest is 404, as if it did not exist. A write is one transaction that
 * checks everything before it writes (a 422 naming the field). */
#include <stdio.h>
#include <string.h>

#include "attachments/attachment_api.h"
#include "core/input.h"
#include "core/random.h"
#include "core/redact.h"
#include "core/time.h"
#include "http/http.h"
#include "kb/kb.h"
#include "store/attachments.h"
#include "store/kb.h"

#define HC "/api/v2/help_center"
/* An article's JSON body may carry FL_KB_BODY_MAX bytes of text escaped
 * (\uXXXX: six bytes a character at worst), so that a body over the limit
 * is a 422 naming it rather than a 413. */
#define ARTICLE_BODY_LIMIT (8u * FL_KB_BODY_MAX)

struct name_in {
	const char *name, *description, *locale, *title, *body;
	int64_t position;
	int has_name, has_description, has_locale, has_title, has_body, has_position;
};

static const struct fl_field name_fields[] = {
	{"name", FL_FT_STRING, FL_KB_TITLE_MAX, 0, 0, NULL, offsetof(struct name_in, name),
	 offsetof(struct name_in, has_name), 0, 0},
	{"description", FL_FT_STRING, FL_KB_DESCRIPTION_MAX, 0, 1, NULL,
	 offsetof(struct name_in, description), offsetof(struct name_in, has_description), 0, 0},
	{"title", FL_FT_STRING, FL_KB_TITLE_MAX, 0, 0, NULL, offsetof(struct name_in, title),
	 offsetof(struct name_in, has_title), 0, 0},
	{"body", FL_FT_STRING, FL_KB_DESCRIPTION_MAX, 0, 1, NULL, offsetof(struct name_in, body),
	 offsetof(struct name_in, has_body), 0, 0},
	{"locale", FL_FT_STRING, 16, 0, 0, NULL, offsetof(struct name_in, locale),
	 offsetof(struct name_in, has_locale), 0, 0},
	{"position", FL_FT_INT, FL_KB_POSITION_MAX, 0, 0, NULL, offsetof(struct name_in, position),
	 offsetof(struct name_in, has_position), 0, 0},
	FL_FIELDS_END,
};

struct article_in {
	const char *title, *body, *body_markdown, *locale, *visibility, *slug;
	const char *labels[FL_KB_LABELS_MAX]; /* FL_FT_STRINGS fills the array in place */
	size_t nlabels;
	int64_t position, section_id;
	int promoted, draft;
	int has_title, has_body, has_body_markdown, has_locale, has_visibility, has_slug,
		has_labels, has_position, has_section_id, has_promoted, has_draft;
};

#define A(m) offsetof(struct article_in, m)
static const struct fl_field article_fields[] = {
	{"title", FL_FT_STRING, FL_KB_TITLE_MAX, 0, 0, NULL, A(title), A(has_title), 0, 0},
	{"body", FL_FT_STRING, FL_KB_BODY_MAX, 0, 0, NULL, A(body), A(has_body), 0, 0},
	{"body_markdown", FL_FT_STRING, FL_KB_BODY_MAX, 0, 0, NULL, A(body_markdown),
	 A(has_body_markdown), 0, 0},
	{"locale", FL_FT_STRING, 16, 0, 0, NULL, A(locale), A(has_locale), 0, 0},
	{"visibility", FL_FT_STRING, 16, 0, 0, NULL, A(visibility), A(has_visibility), 0, 0},
	{"slug", FL_FT_STRING, FL_KB_SLUG_MAX, 0, 1, NULL, A(slug), A(has_slug), 0, 0},
	{"label_names", FL_FT_STRINGS, FL_KB_LABELS_MAX, FL_KB_LABEL_MAX, 0, NULL, A(labels),
	 A(has_labels), A(nlabels), 0},
	{"position", FL_FT_INT, FL_KB_POSITION_MAX, 0, 0, NULL, A(position), A(has_position), 0, 0},
	{"section_id", FL_FT_ID, 0, 0, 0, NULL, A(section_id), A(has_section_id), 0, 0},
	{"promoted", FL_FT_BOOL, 0, 0, 0, NULL, A(promoted), A(has_promoted), 0, 0},
	{"draft", FL_FT_BOOL, 0, 0, 0, NULL, A(draft), A(has_draft), 0, 0},
	FL_FIELDS_END,
};
#undef A

struct ctx {
	const char *locale; /* the locale read or written (one of fl_kb_locales) */
	int level;          /* the reader's fl_kb_reader_level */
	struct name_in nin;
	struct article_in ain;
	char *labels; /* ain's labels joined */
	struct fl_kb_category cat, *cats;
	struct fl_kb_section sec, *secs;
	struct fl_kb_article art, *arts;
	struct fl_kb_translation tr, *trs;
	struct fl_kb_entry *entries;
	struct fl_kb_revision rev, other, *revs;
	struct fl_kb_label_count *labelc;
	size_t n;
	int64_t total;
	struct fl_kb_filter filter;
	struct fl_req_page pg;
	int vote, against;
	const char *voter;
	struct fl_kb_search_in search;
	struct fl_kb_search_out found;
	int64_t search_id;
	struct fl_kb_search_stat *stats;
	int64_t from, to;
	struct fl_attachment *files;
	struct fl_upload up; /* a file added, or the one served (up.a) */
	char search_token[FL_KB_SEARCH_TOKEN_LEN + 1];
};

/* ---- reading the request ---- */

/* ?locale=: one we serve (422 naming "locale" otherwise), or fallback. */
static int arg_locale(struct fl_req *r, const char *fallback, const char **out)
{
	const char *z = fl_req_arg(r, "locale");
	int rc;

	if (!z || !*z) {
		*out = fallback;
		return 0;
	}
	if ((rc = fl_kb_locale_check(z, "locale", &r->err)))
		return rc;
	*out = fl_kb_locale_name(z);
	return 0;
}

/* The {locale} of …/translations/{locale}… in the path (the route rows
 * name each locale, so it is one). */
static const char *path_locale(struct fl_req *r)
{
	const char *p = strstr(r->url, "/translations/");
	char l[3] = {0};

	if (!p)
		return NULL;
	memcpy(l, p + 14, 2);
	return fl_kb_locale_name(l);
}

/* r->body's member key as an object: 400 otherwise. */
static json_t *body_object(struct fl_req *r, const char *key)
{
	json_t *v = r->body ? json_object_get(r->body, key) : NULL;
	if (!json_is_object(v)) {
		fl_req_fail(r, FL_EMALFORMED, key, "InvalidRequest",
			    "the body must be {\"%s\": {...}}", key);
		return NULL;
	}
	return v;
}

static int decode_names(struct fl_req *r, const char *key)
{
	struct ctx *c = r->ctx;
	json_t *v = body_object(r, key);
	return v ? fl_input_decode(v, name_fields, &c->nin, &r->arena, &r->err) : FL_EMALFORMED;
}

static int decode_article(struct fl_req *r, const char *key)
{
	struct ctx *c = r->ctx;
	json_t *v = body_object(r, key);
	int rc;

	if (!v)
		return FL_EMALFORMED;
	if ((rc = fl_input_decode(v, article_fields, &c->ain, &r->arena, &r->err)))
		return rc;
	if (c->ain.has_locale && (rc = fl_kb_locale_check(c->ain.locale, "locale", &r->err)))
		return rc;
	if (c->ain.has_body && c->ain.has_body_markdown)
		return fl_req_fail(r, FL_EINVAL, "body", "InvalidValue",
				   "Body: give body (HTML) or body_markdown, not both");
	if (c->ain.has_labels &&
	    (rc = fl_kb_labels_join(c->ain.labels, c->ain.nlabels, &r->arena, &c->labels, &r->err)))
		return rc;
	if (c->ain.has_visibility && fl_kb_visibility_parse(c->ain.visibility) < 0)
		return fl_req_fail(r, FL_EINVAL, "visibility", "InvalidValue",
				   "Visibility: public, signed_in or agents");
	return 0;
}

/* What ain says of a translation, over t (a new one: zeroed). */
static void apply_translation(const struct article_in *in, struct fl_kb_translation *t)
{
	if (in->has_title)
		t->title = (char *)in->title;
	if (in->has_body) {
		t->body_html = (char *)in->body;
		t->body_md = NULL;
	} else if (in->has_body_markdown) {
		t->body_md = (char *)in->body_markdown;
		t->body_html = NULL;
	}
	if (in->has_draft)
		t->draft = in->draft;
	if (in->has_slug)
		t->slug = (char *)in->slug;
}

/* ---- the JSON ---- */

static const char *name_in_locale(const struct fl_kb_name *names, size_t n, const char *locale,
				  const char *source, const char **desc, const char **which)
{
	const struct fl_kb_name *pick = NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i].locale, locale))
			pick = &names[i];
	for (size_t i = 0; !pick && i < n; i++)
		if (!strcmp(names[i].locale, source))
			pick = &names[i];
	if (!pick && n)
		pick = &names[0];
	*desc = pick ? pick->description : "";
	*which = pick ? pick->locale : locale;
	return pick ? pick->name : "";
}

/* percent-encodes what is not unreserved ASCII (a slug's letters) */
static void add_slug(fl_buf *b, const char *slug)
{
	for (const unsigned char *p = (const unsigned char *)slug; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')
			fl_buf_addc(b, (char)*p);
		else
			fl_buf_addf(b, "%%%02X", *p);
}

static json_t *html_url(struct fl_req *r, const char *kind, int64_t id, const char *locale,
			const char *slug)
{
	fl_buf b;
	json_t *j;

	fl_buf_init(&b, 4096);
	fl_buf_addf(&b, "%s/hc/%s/%s/%lld-", fl_req_base(r), locale, kind, (long long)id);
	add_slug(&b, slug);
	j = json_string(b.p ? b.p : "");
	fl_buf_free(&b);
	return j;
}

static json_t *container_json(struct fl_req *r, const char *kind, int64_t id, int64_t parent,
			      int position, const char *source, const struct fl_kb_name *names,
			      size_t n, int64_t created_at, int64_t updated_at, const char *locale)
{
	const char *desc, *which, *name = name_in_locale(names, n, locale, source, &desc, &which);
	char url[300];
	json_t *o;

	snprintf(url, sizeof url, "%s" HC "/%s/%lld.json", fl_req_base(r), kind, (long long)id);
	o = json_pack("{s:I, s:s, s:o, s:i, s:s, s:s, s:s, s:s, s:b, s:o, s:o}", "id",
		      (json_int_t)id, "url", url, "html_url",
		      html_url(r, kind, id, which, fl_kb_slugify(name, &r->arena)), "position",
		      position, "name", name, "description", desc, "locale", which, "source_locale",
		      source, "outdated", 0, "created_at", fl_json_time(created_at), "updated_at",
		      fl_json_time(updated_at));
	if (o && parent)
		json_object_set_new(o, "category_id", json_integer(parent));
	return o;
}

static json_t *category_json(struct fl_req *r, const struct fl_kb_category *k, const char *locale)
{
	return container_json(r, "categories", k->id, 0, k->position, k->source_locale, k->names,
			      k->nnames, k->created_at, k->updated_at, locale);
}

static json_t *section_json(struct fl_req *r, const struct fl_kb_section *s, const char *locale)
{
	return container_json(r, "sections", s->id, s->category_id, s->position, s->source_locale,
			      s->names, s->nnames, s->created_at, s->updated_at, locale);
}

static json_t *labels_json(struct fl_req *r, const char *labels)
{
	json_t *list = json_array();
	char **names;
	size_t n = 0;

	if (!fl_kb_labels_split(labels, &r->arena, &names, &n))
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list, json_string(names[i]));
	return list;
}

/* An article in Zendesk's shape with its translation t. */
static json_t *article_json(struct fl_req *r, const struct fl_kb_article *a,
			    const struct fl_kb_translation *t)
{
	char url[300];
	json_t *o;

	snprintf(url, sizeof url, "%s" HC "/articles/%lld.json", fl_req_base(r), (long long)a->id);
	o = json_pack(
		"{s:I, s:s, s:o, s:I, s:b, s:b, s:b, s:i, s:I, s:I, s:I, s:s, s:s, s:s, "
		"s:b, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:I, s:o, s:o, s:o}",
		"id", (json_int_t)a->id, "url", url, "html_url",
		html_url(r, "articles", a->id, t->locale, fl_kb_slug(t, &r->arena)), "author_id",
		(json_int_t)a->author_id, "comments_disabled", 1, "draft", t->draft, "promoted",
		a->promoted, "position", a->position, "vote_sum", (json_int_t)t->vote_sum,
		"vote_count", (json_int_t)t->vote_count, "section_id", (json_int_t)a->section_id,
		"title", t->title, "locale", t->locale, "source_locale", a->source_locale,
		"outdated", 0, "label_names", labels_json(r, a->labels), "body",
		fl_json_str(t->body_html), "body_markdown", fl_json_str(t->body_md), "created_at",
		fl_json_time(a->created_at), "updated_at", fl_json_time(t->updated_at),
		"visibility", fl_kb_visibility_name(a->visibility), "slug", fl_json_str(t->slug),
		"view_count", (json_int_t)t->view_count, "edited_at", fl_json_time(t->edited_at),
		"archived", json_boolean(a->archived_at != 0), "updated_by_id",
		fl_json_id(t->editor_id));
	if (o)
		json_object_set_new(o, "name", json_string(t->title));
	return o;
}

static json_t *translation_json(struct fl_req *r, const struct fl_kb_translation *t)
{
	char url[300];

	snprintf(url, sizeof url, "%s" HC "/articles/%lld/translations/%s.json", fl_req_base(r),
		 (long long)t->article_id, t->locale);
	return json_pack(
		"{s:I, s:s, s:o, s:I, s:s, s:s, s:s, s:o, s:o, s:b, s:b, s:o, s:i, "
		"s:o, s:o, s:o, s:I, s:I}",
		"id", (json_int_t)t->id, "url", url, "html_url",
		html_url(r, "articles", t->article_id, t->locale, fl_kb_slug(t, &r->arena)),
		"source_id", (json_int_t)t->article_id, "source_type", "Article", "locale",
		t->locale, "title", t->title, "body", fl_json_str(t->body_html), "body_markdown",
		fl_json_str(t->body_md), "outdated", 0, "draft", t->draft, "slug",
		fl_json_str(t->slug), "revision", t->revision, "created_at",
		fl_json_time(t->created_at), "updated_at", fl_json_time(t->updated_at), "edited_at",
		fl_json_time(t->edited_at), "created_by_id", (json_int_t)t->author_id,
		"updated_by_id", (json_int_t)t->editor_id);
}

static json_t *revision_json(const struct fl_kb_revision *v, int with_body)
{
	json_t *o = json_pack("{s:i, s:s, s:s, s:I, s:o}", "id", v->n, "title", v->title, "format",
			      v->markdown ? "markdown" : "html", "author_id",
			      (json_int_t)v->author_id, "created_at", fl_json_time(v->created_at));
	if (o && with_body)
		json_object_set_new(o, "body", json_string(v->body));
	return o;
}

/* ---- categories and sections ---- */

static int render_category(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "category", category_json(r, &c->cat, c->locale)));
}

static int render_section(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "section", section_json(r, &c->sec, c->locale)));
}

static int tx_categories(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_kb_category_list(tx, &r->arena, &c->cats, &c->n);
}

static int render_categories(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, category_json(r, &c->cats[i], c->locale));
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:I}", "categories", list, "count", (json_int_t)c->n));
}

static int h_categories(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = arg_locale(r, "en", &c->locale);
	return rc ? rc : fl_req_read(r, tx_categories, render_categories);
}

static int tx_category(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_kb_category_get(tx, r->id[0], &r->arena, &c->cat);
}

static int h_category(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = arg_locale(r, "en", &c->locale);
	return rc ? rc : fl_req_read(r, tx_category, render_category);
}

/* The name nin gives (name/description, or Zendesk's translation
 * title/body) in nin.locale, checked. */
static int name_from_input(struct fl_req *r, struct fl_kb_name *n, int translation)
{
	struct ctx *c = r->ctx;
	const char *field = translation ? "title" : "name";
	int rc;

	*n = (struct fl_kb_name){(char *)(c->nin.has_locale ? c->nin.locale : "en"),
				 (char *)(translation ? c->nin.title : c->nin.name),
				 (char *)(translation ? c->nin.body : c->nin.description),
				 fl_now()};
	if (!n->description)
		n->description = "";
	if ((rc = fl_kb_name_check(n, field, &r->err)))
		return rc;
	n->locale = (char *)fl_kb_locale_name(n->locale);
	return 0;
}

static int tx_category_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_kb_name n;
	int rc = name_from_input(r, &n, 0);

	if (rc)
		return rc;
	c->cat = (struct fl_kb_category){
		0, (int)c->nin.position, n.locale, n.updated_at, n.updated_at, NULL, 0};
	c->locale = n.locale;
	if ((rc = fl_store_kb_category_insert(tx, &c->cat)) ||
	    (rc = fl_store_kb_name_put(tx, "category", c->cat.id, &n)))
		return rc;
	return fl_store_kb_category_get(tx, c->cat.id, &r->arena, &c->cat);
}

static int h_category_create(struct fl_req *r)
{
	int rc = decode_names(r, "category");
	r->status = 201;
	return rc ? rc : fl_req_write(r, tx_category_create, render_category);
}

static int tx_category_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_kb_name n;
	int rc = fl_store_kb_category_get(tx, r->id[0], &r->arena, &c->cat);

	if (rc)
		return rc;
	c->locale = c->nin.has_locale ? fl_kb_locale_name(c->nin.locale) : c->cat.source_locale;
	if (c->nin.has_position)
		c->cat.position = (int)c->nin.position;
	c->cat.updated_at = fl_now();
	if (c->nin.has_name || c->nin.has_description) {
		const char *desc, *which;
		if (!c->nin.has_locale)
			c->nin.locale = c->cat.source_locale;
		if (!c->nin.has_name)
			c->nin.name = name_in_locale(c->cat.names, c->cat.nnames, c->locale,
						     c->cat.source_locale, &desc, &which);
		if ((rc = name_from_input(r, &n, 0)) ||
		    (rc = fl_store_kb_name_put(tx, "category", c->cat.id, &n)))
			return rc;
	}
	if ((rc = fl_store_kb_category_update(tx, &c->cat)))
		return rc;
	return fl_store_kb_category_get(tx, c->cat.id, &r->arena, &c->cat);
}

static int h_category_update(struct fl_req *r)
{
	int rc = decode_names(r, "category");
	if (!rc && ((struct ctx *)r->ctx)->nin.has_locale)
		rc = fl_kb_locale_check(((struct ctx *)r->ctx)->nin.locale, "locale", &r->err);
	return rc ? rc : fl_req_write(r, tx_category_update, render_category);
}

/* Zendesk's category and section translations: {locale, title, body}. */
static json_t *name_translation_json(const struct fl_kb_name *n, int64_t id, const char *type)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:b, s:b}", "source_id", (json_int_t)id,
			 "source_type", type, "locale", n->locale, "title", n->name, "body",
			 n->description, "updated_at", fl_json_time(n->updated_at), "draft", 0,
			 "outdated", 0);
}

static int render_names(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int section = strstr(r->url, "/sections/") != NULL;
	const struct fl_kb_name *names = section ? c->sec.names : c->cat.names;
	size_t n = section ? c->sec.nnames : c->cat.nnames;
	int64_t id = section ? c->sec.id : c->cat.id;
	json_t *list = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(list,
				      name_translation_json(&names[i], id,
							    section ? "Section" : "Category"));
	return fl_req_reply(r, 200, json_pack("{s:o}", "translations", list));
}

static int render_name(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int section = strstr(r->url, "/sections/") != NULL;
	const struct fl_kb_name *names = section ? c->sec.names : c->cat.names;
	size_t n = section ? c->sec.nnames : c->cat.nnames;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i].locale, c->locale))
			return fl_req_reply(
				r, 201,
				json_pack("{s:o}", "translation",
					  name_translation_json(&names[i],
								section ? c->sec.id : c->cat.id,
								section ? "Section" : "Category")));
	return FL_EINTERNAL;
}

static int tx_names(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	if (strstr(r->url, "/sections/"))
		return fl_store_kb_section_get(tx, r->id[0], &r->arena, &c->sec);
	return fl_store_kb_category_get(tx, r->id[0], &r->arena, &c->cat);
}

static int h_names(struct fl_req *r)
{
	return fl_req_read(r, tx_names, render_names);
}

/* A new translation of a category or section: 422 naming "locale" when
 * that locale has one (PUT the category or section to change it). */
static int tx_name_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int section = strstr(r->url, "/sections/") != NULL;
	struct fl_kb_name n;
	const struct fl_kb_name *names;
	size_t nn;
	int rc = tx_names(tx, r);

	if (rc || (rc = name_from_input(r, &n, 1)))
		return rc;
	names = section ? c->sec.names : c->cat.names;
	nn = section ? c->sec.nnames : c->cat.nnames;
	for (size_t i = 0; i < nn; i++)
		if (!strcmp(names[i].locale, n.locale))
			return fl_err_set(&r->err, FL_EINVAL, "locale", "DuplicateValue",
					  "Locale: there is a %s translation already", n.locale);
	c->locale = n.locale;
	if ((rc = fl_store_kb_name_put(tx, section ? "section" : "category", r->id[0], &n)))
		return rc;
	return tx_names(tx, r);
}

static int h_name_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = decode_names(r, "translation");

	if (!rc && !c->nin.has_locale)
		rc = fl_req_fail(r, FL_EINVAL, "locale", "Blank", "Locale: cannot be blank");
	return rc ? rc : fl_req_write(r, tx_name_create, render_name);
}

static int tx_sections(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = 0;
	if (r->id[0])
		rc = fl_store_kb_category_get(tx, r->id[0], &r->arena, &c->cat);
	return rc ? rc : fl_store_kb_section_list(tx, r->id[0], &r->arena, &c->secs, &c->n);
}

static int render_sections(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, section_json(r, &c->secs[i], c->locale));
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:I}", "sections", list, "count", (json_int_t)c->n));
}

static int h_sections(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = arg_locale(r, "en", &c->locale);
	return rc ? rc : fl_req_read(r, tx_sections, render_sections);
}

static int tx_section(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_kb_section_get(tx, r->id[0], &r->arena, &c->sec);
}

static int h_section(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = arg_locale(r, "en", &c->locale);
	return rc ? rc : fl_req_read(r, tx_section, render_section);
}

static int tx_section_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_kb_name n;
	int rc = fl_store_kb_category_get(tx, r->id[0], &r->arena, &c->cat);

	if (rc || (rc = name_from_input(r, &n, 0)))
		return rc;
	c->sec = (struct fl_kb_section){
		0, r->id[0], (int)c->nin.position, n.locale, n.updated_at, n.updated_at, NULL, 0};
	c->locale = n.locale;
	if ((rc = fl_store_kb_section_insert(tx, &c->sec)) ||
	    (rc = fl_store_kb_name_put(tx, "section", c->sec.id, &n)))
		return rc;
	return fl_store_kb_section_get(tx, c->sec.id, &r->arena, &c->sec);
}

static int h_section_create(struct fl_req *r)
{
	int rc = decode_names(r, "section");
	r->status = 201;
	return rc ? rc : fl_req_write(r, tx_section_create, render_section);
}

static int tx_section_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_kb_name n;
	json_t *cat = json_object_get(json_object_get(r->body, "section"), "category_id");
	int rc = fl_store_kb_section_get(tx, r->id[0], &r->arena, &c->sec);

	if (rc)
		return rc;
	c->locale = c->nin.has_locale ? fl_kb_locale_name(c->nin.locale) : c->sec.source_locale;
	if (c->nin.has_position)
		c->sec.position = (int)c->nin.position;
	if (cat) {
		struct fl_kb_category k;
		if (!json_is_integer(cat) || json_integer_value(cat) <= 0)
			return fl_err_set(&r->err, FL_EINVAL, "category_id", "InvalidValue",
					  "Category: an id");
		rc = fl_store_kb_category_get(tx, json_integer_value(cat), &r->arena, &k);
		if (rc == FL_ENOTFOUND)
			return fl_err_set(&r->err, FL_EINVAL, "category_id", "InvalidValue",
					  "Category: there is no category %lld",
					  (long long)json_integer_value(cat));
		if (rc)
			return rc;
		c->sec.category_id = k.id;
	}
	c->sec.updated_at = fl_now();
	if (c->nin.has_name || c->nin.has_description) {
		const char *desc, *which;
		if (!c->nin.has_locale)
			c->nin.locale = c->sec.source_locale;
		if (!c->nin.has_name)
			c->nin.name = name_in_locale(c->sec.names, c->sec.nnames, c->locale,
						     c->sec.source_locale, &desc, &which);
		if ((rc = name_from_input(r, &n, 0)) ||
		    (rc = fl_store_kb_name_put(tx, "section", c->sec.id, &n)))
			return rc;
	}
	if ((rc = fl_store_kb_section_update(tx, &c->sec)))
		return rc;
	return fl_store_kb_section_get(tx, c->sec.id, &r->arena, &c->sec);
}

static int h_section_update(struct fl_req *r)
{
	int rc = decode_names(r, "section");
	if (!rc && ((struct ctx *)r->ctx)->nin.has_locale)
		rc = fl_kb_locale_check(((struct ctx *)r->ctx)->nin.locale, "locale", &r->err);
	return rc ? rc : fl_req_write(r, tx_section_update, render_section);
}

/* ---- articles ---- */

static int render_article(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "article", article_json(r, &c->art, &c->tr)));
}

static int tx_articles(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = 0;

	/* a container that does not exist is 404, not an empty list */
	if (strstr(r->url, "/sections/"))
		rc = fl_store_kb_section_get(tx, r->id[0], &r->arena, &c->sec);
	else if (strstr(r->url, "/categories/"))
		rc = fl_store_kb_category_get(tx, r->id[0], &r->arena, &c->cat);
	return rc ? rc
		  : fl_store_kb_entry_list(tx, &c->filter, &r->arena, &c->entries, &c->n,
					   &c->total);
}

static int render_articles(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array(), *o;

	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list,
				      article_json(r, &c->entries[i].article, &c->entries[i].tr));
	o = json_pack("{s:o}", "articles", list);
	fl_req_page_links(r, &c->pg, o, (int64_t)(c->filter.offset + c->n) < c->total, c->total, 0,
			  0);
	return fl_req_reply(r, 200, o);
}

static int h_articles(struct fl_req *r)
{
	static const char *const allowed[] = {"locale",     "label_names", "section",  "category",
					      "page",       "per_page",    "promoted", "sort_by",
					      "sort_order", NULL};
	struct ctx *c = r->ctx;
	const char *label = fl_req_arg(r, "label_names"), *z;
	int rc;

	if ((rc = fl_req_args_only(r, allowed)) || (rc = fl_req_paging(r, &c->pg)) ||
	    (rc = arg_locale(r, "en", &c->locale)))
		return rc;
	c->pg.cursor = 0;
	c->level = fl_kb_reader_level(&r->actor);
	c->filter = (struct fl_kb_filter){.locale = c->locale,
					  .level = c->level,
					  .drafts = c->level >= FL_KB_AGENTS,
					  .label = label && *label ? label : NULL,
					  .offset = (c->pg.page - 1) * c->pg.per_page,
					  .limit = c->pg.per_page};
	if (strstr(r->url, "/sections/"))
		c->filter.section_id = r->id[0];
	else if (strstr(r->url, "/categories/"))
		c->filter.category_id = r->id[0];
	if ((z = fl_req_arg(r, "section")) &&
	    (fl_str_to_i64(fl_str_c(z), &c->filter.section_id) || c->filter.section_id <= 0))
		return fl_req_fail(r, FL_EINVAL, "section", "InvalidValue", "Section: an id");
	if ((z = fl_req_arg(r, "category")) &&
	    (fl_str_to_i64(fl_str_c(z), &c->filter.category_id) || c->filter.category_id <= 0))
		return fl_req_fail(r, FL_EINVAL, "category", "InvalidValue", "Category: an id");
	if ((z = fl_req_arg(r, "promoted")))
		c->filter.promoted_only = !strcmp(z, "true");
	return fl_req_read(r, tx_articles, render_articles);
}

/* Article r->id[0] and its translation in c->locale (its source locale
 * when none was asked for), as the reader may see them: FL_ENOTFOUND
 * otherwise. */
static int load_article(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_kb_article_get(tx, r->id[0], &r->arena, &c->art);

	if (!rc)
		rc = fl_store_kb_translation_get(tx, c->art.id,
						 c->locale ? c->locale : c->art.source_locale,
						 &r->arena, &c->tr);
	if (!rc && !fl_kb_visible(c->level, &c->art, &c->tr))
		rc = FL_ENOTFOUND;
	return rc;
}

static int tx_article(fl_tx *tx, struct fl_req *r)
{
	return load_article(tx, r);
}

static int h_article(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = arg_locale(r, NULL, &c->locale);

	c->level = fl_kb_reader_level(&r->actor);
	return rc ? rc : fl_req_read(r, tx_article, render_article);
}

static int tx_article_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct article_in *in = &c->ain;

	c->art = (struct fl_kb_article){
		.section_id = r->id[0],
		.position = (int)in->position,
		.promoted = in->promoted,
		.visibility =
			in->has_visibility ? fl_kb_visibility_parse(in->visibility) : FL_KB_PUBLIC,
		.labels = c->labels ? c->labels : "",
		.source_locale = (char *)(in->has_locale ? in->locale : "en"),
	};
	c->tr = (struct fl_kb_translation){0};
	apply_translation(in, &c->tr);
	return fl_kb_article_create(tx, &r->actor, &c->art, &c->tr, &r->arena, &r->err);
}

static int h_article_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = decode_article(r, "article");

	if (rc)
		return rc;
	if (!c->ain.has_title)
		return fl_req_fail(r, FL_EINVAL, "title", "Blank", "Title: cannot be blank");
	r->status = 201;
	return fl_req_write(r, tx_article_create, render_article);
}

/* section_id names a section that exists: 422 naming it otherwise. */
static int section_exists(fl_tx *tx, struct fl_req *r, int64_t id)
{
	struct fl_kb_section s;
	int rc = fl_store_kb_section_get(tx, id, &r->arena, &s);
	if (rc == FL_ENOTFOUND)
		return fl_err_set(&r->err, FL_EINVAL, "section_id", "InvalidValue",
				  "Section: there is no section %lld", (long long)id);
	return rc;
}

static int tx_article_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct article_in *in = &c->ain;
	int rc = fl_store_kb_article_get(tx, r->id[0], &r->arena, &c->art);

	if (rc)
		return rc;
	c->locale = in->has_locale ? fl_kb_locale_name(in->locale) : c->art.source_locale;
	if (in->has_section_id && (rc = section_exists(tx, r, in->section_id)))
		return rc;
	if (in->has_section_id)
		c->art.section_id = in->section_id;
	if (in->has_position)
		c->art.position = (int)in->position;
	if (in->has_promoted)
		c->art.promoted = in->promoted;
	if (in->has_visibility)
		c->art.visibility = fl_kb_visibility_parse(in->visibility);
	if (in->has_labels)
		c->art.labels = c->labels;
	if ((rc = fl_kb_article_check(&c->art, &r->err)))
		return rc;
	c->art.updated_at = fl_now();
	if ((rc = fl_store_kb_article_update(tx, &c->art)))
		return rc;
	/* the translation's fields, when given, change the one in locale */
	if (in->has_title || in->has_body || in->has_body_markdown || in->has_draft ||
	    in->has_slug) {
		if ((rc = fl_store_kb_translation_get(tx, c->art.id, c->locale, &r->arena, &c->tr)))
			return rc == FL_ENOTFOUND
				       ? fl_err_set(&r->err, FL_EINVAL, "locale", "InvalidValue",
						    "Locale: the article has no %s translation",
						    c->locale)
				       : rc;
		apply_translation(in, &c->tr);
		if ((rc = fl_kb_translation_save(tx, &r->actor, &c->tr, 0, &r->arena, &r->err)))
			return rc;
	}
	return load_article(tx, r);
}

static int h_article_update(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = decode_article(r, "article");

	c->level = FL_KB_AGENTS;
	return rc ? rc : fl_req_write(r, tx_article_update, render_article);
}

/* Deleting archives (Zendesk archives): readers no longer see it, agents
 * still do. */
static int tx_article_archive(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_kb_article_get(tx, r->id[0], &r->arena, &c->art);

	if (rc)
		return rc;
	if (!c->art.archived_at)
		c->art.archived_at = fl_now();
	c->art.updated_at = fl_now();
	return fl_store_kb_article_update(tx, &c->art);
}

static int h_article_archive(struct fl_req *r)
{
	return fl_req_write(r, tx_article_archive, fl_req_no_content);
}

static int tx_labels(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_kb_labels(tx, &r->arena, &c->labelc, &c->n);
}

static int render_labels(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list,
				      json_pack("{s:s, s:I}", "name", c->labelc[i].name,
						"article_count", (json_int_t)c->labelc[i].count));
	return fl_req_reply(r, 200, json_pack("{s:o}", "labels", list));
}

static int h_labels(struct fl_req *r)
{
	return fl_req_read(r, tx_labels, render_labels);
}

/* ---- translations ---- */

static int render_translation(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, r->status ? r->status : 200,
			    json_pack("{s:o}", "translation", translation_json(r, &c->tr)));
}

static int tx_translations(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_kb_article_get(tx, r->id[0], &r->arena, &c->art);

	if (!rc)
		rc = fl_store_kb_translation_list(tx, r->id[0], &r->arena, &c->trs, &c->n);
	if (!rc && c->level < FL_KB_AGENTS) {
		size_t k = 0;
		for (size_t i = 0; i < c->n; i++)
			if (fl_kb_visible(c->level, &c->art, &c->trs[i]))
				c->trs[k++] = c->trs[i];
		c->n = k;
		if (!k)
			rc = FL_ENOTFOUND;
	}
	return rc;
}

static int render_translations(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, translation_json(r, &c->trs[i]));
	return fl_req_reply(r, 200, json_pack("{s:o}", "translations", list));
}

static int h_translations(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->level = fl_kb_reader_level(&r->actor);
	return fl_req_read(r, tx_translations, render_translations);
}

static int render_missing_locales(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();

	for (int l = 0; l < FL_KB_NLOCALES; l++) {
		int have = 0;
		for (size_t i = 0; i < c->n; i++)
			have |= !strcmp(c->trs[i].locale, fl_kb_locales[l]);
		if (!have)
			json_array_append_new(list, json_string(fl_kb_locales[l]));
	}
	return fl_req_reply(r, 200, json_pack("{s:o}", "locales", list));
}

/* Zendesk's …/translations/missing: the locales the article lacks. */
static int h_translations_missing(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->level = FL_KB_AGENTS;
	return fl_req_read(r, tx_translations, render_missing_locales);
}

static int tx_missing(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_kb_missing(tx, c->locale, 1000, &r->arena, &c->arts, &c->n);
}

static int render_missing(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list,
				      json_pack("{s:I, s:I, s:s}", "id", (json_int_t)c->arts[i].id,
						"section_id", (json_int_t)c->arts[i].section_id,
						"source_locale", c->arts[i].source_locale));
	return fl_req_reply(r, 200, json_pack("{s:o, s:s}", "articles", list, "locale", c->locale));
}

/* The articles without a translation in ?locale= (the editor's list). */
static int h_missing(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = arg_locale(r, NULL, &c->locale);

	if (!rc && !c->locale)
		rc = fl_req_fail(r, FL_EINVAL, "locale", "Blank", "Locale: cannot be blank");
	return rc ? rc : fl_req_read(r, tx_missing, render_missing);
}

static int tx_translation(fl_tx *tx, struct fl_req *r)
{
	return load_article(tx, r);
}

static int h_translation(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->locale = path_locale(r);
	c->level = fl_kb_reader_level(&r->actor);
	return fl_req_read(r, tx_translation, render_translation);
}

static int tx_translation_create(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;

	c->tr = (struct fl_kb_translation){.article_id = r->id[0], .locale = (char *)c->ain.locale};
	apply_translation(&c->ain, &c->tr);
	return fl_kb_translation_save(tx, &r->actor, &c->tr, 1, &r->arena, &r->err);
}

static int h_translation_create(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = decode_article(r, "translation");

	if (rc)
		return rc;
	if (!c->ain.has_locale)
		return fl_req_fail(r, FL_EINVAL, "locale", "Blank", "Locale: cannot be blank");
	if (!c->ain.has_title)
		return fl_req_fail(r, FL_EINVAL, "title", "Blank", "Title: cannot be blank");
	r->status = 201;
	return fl_req_write(r, tx_translation_create, render_translation);
}

static int tx_translation_update(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_kb_translation_get(tx, r->id[0], c->locale, &r->arena, &c->tr);

	if (rc)
		return rc;
	apply_translation(&c->ain, &c->tr);
	return fl_kb_translation_save(tx, &r->actor, &c->tr, 0, &r->arena, &r->err);
}

static int h_translation_update(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = decode_article(r, "translation");

	c->locale = path_locale(r);
	return rc ? rc : fl_req_write(r, tx_translation_update, render_translation);
}

/* ---- revisions ---- */

static int tx_revisions(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_kb_translation_get(tx, r->id[0], c->locale, &r->arena, &c->tr);
	return rc ? rc
		  : fl_store_kb_revision_list(tx, c->tr.id, FL_STORE_KB_LIST_MAX, &r->arena,
					      &c->revs, &c->n);
}

static int render_revisions(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, revision_json(&c->revs[i], 0));
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:I}", "revisions", list, "count", (json_int_t)c->n));
}

static int h_revisions(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->locale = path_locale(r);
	return fl_req_read(r, tx_revisions, render_revisions);
}

static int tx_revision(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_kb_translation_get(tx, r->id[0], c->locale, &r->arena, &c->tr);

	if (!rc)
		rc = r->id[1] > INT32_MAX ? FL_ENOTFOUND
					  : fl_store_kb_revision_get(tx, c->tr.id, (int)r->id[1],
								     &r->arena, &c->rev);
	if (!rc && c->against)
		rc = fl_store_kb_revision_get(tx, c->tr.id, c->against, &r->arena, &c->other);
	if (rc == FL_ENOTFOUND && c->against && c->rev.n)
		return fl_err_set(&r->err, FL_EINVAL, "against", "InvalidValue",
				  "Against: there is no revision %d", c->against);
	return rc;
}

static int render_revision(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 200, json_pack("{s:o}", "revision", revision_json(&c->rev, 1)));
}

static int h_revision(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->locale = path_locale(r);
	return fl_req_read(r, tx_revision, render_revision);
}

/* The diff of revision n against ?against=m (default: the one before n):
 * lines of the body, and the titles. */
static int render_diff(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_kb_diff_line *d;
	size_t n;
	json_t *lines = json_array();
	int rc = fl_kb_diff(c->other.body, c->rev.body, &r->arena, &d, &n);

	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(lines, json_pack("{s:s#, s:s}", "op", &d[i].op, (size_t)1,
						       "text", d[i].text));
	return fl_req_reply(r, 200,
			    json_pack("{s:{s:i, s:i, s:{s:s, s:s}, s:o}}", "diff", "from",
				      c->other.n, "to", c->rev.n, "title", "from", c->other.title,
				      "to", c->rev.title, "lines", lines));
}

static int h_diff(struct fl_req *r)
{
	static const char *const allowed[] = {"against", NULL};
	struct ctx *c = r->ctx;
	const char *z = fl_req_arg(r, "against");
	int64_t m = r->id[1] - 1; /* the one before; none before the first */
	int rc;

	if ((rc = fl_req_args_only(r, allowed)))
		return rc;
	if (z && (fl_str_to_i64(fl_str_c(z), &m) || m <= 0 || m > INT32_MAX))
		return fl_req_fail(r, FL_EINVAL, "against", "InvalidValue",
				   "Against: a revision number");
	c->locale = path_locale(r);
	c->against = (int)m;
	c->other = (struct fl_kb_revision){.title = "", .body = ""};
	return fl_req_read(r, tx_revision, render_diff);
}

static int tx_restore(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	if (r->id[1] > INT32_MAX)
		return FL_ENOTFOUND;
	return fl_kb_revision_restore(tx, &r->actor, r->id[0], c->locale, (int)r->id[1], &r->arena,
				      &c->tr, &r->err);
}

static int h_restore(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->locale = path_locale(r);
	return fl_req_write(r, tx_restore, render_translation);
}

/* ---- votes ---- */

static int tx_vote(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = load_article(tx, r);
	return rc ? rc : fl_kb_vote(tx, c->art.id, c->locale, c->voter, c->vote, &r->err);
}

static int render_vote(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 200,
			    json_pack("{s:{s:i, s:I, s:s, s:s, s:o}}", "vote", "value", c->vote,
				      "item_id", (json_int_t)c->art.id, "item_type", "Article",
				      "locale", c->locale, "user_id", fl_json_id(r->actor.id)));
}

/* A vote from a signed-in user counts once for them; anyone else gives a
 * voter_key that has the help center's voter cookie's shape
 * (fl_kb_voter_key_ok) and counts once, and is held to the help center's
 * votes a minute per address (fl_kb_limit_vote): a script that makes up
 * keys gets no more votes than the form would give it. */
static int h_vote(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *key = r->body ? json_object_get(r->body, "voter_key") : NULL;
	json_t *loc = r->body ? json_object_get(r->body, "locale") : NULL;
	int rc;

	c->vote = strstr(r->url, "/down") ? -1 : 1;
	c->level = fl_kb_reader_level(&r->actor);
	if ((rc = arg_locale(r, NULL, &c->locale)))
		return rc;
	if (json_is_string(loc)) {
		if ((rc = fl_kb_locale_check(json_string_value(loc), "locale", &r->err)))
			return rc;
		c->locale = fl_kb_locale_name(json_string_value(loc));
	}
	if (!c->locale)
		return fl_req_fail(r, FL_EINVAL, "locale", "Blank", "Locale: cannot be blank");
	if (r->actor.id > 0) {
		char *v = fl_arena_alloc(&r->arena, 32);
		if (!v)
			return FL_ENOMEM;
		snprintf(v, 32, "u:%lld", (long long)r->actor.id);
		c->voter = v;
	} else {
		const char *k = json_string_value(key);
		char *v;
		int64_t wait;
		if (!fl_kb_voter_key_ok(k))
			return fl_req_fail(r, FL_EINVAL, "voter_key", "InvalidValue",
					   "Voter key: the help center's voter cookie (%d "
					   "lower-case hex characters), for a vote without "
					   "signing in",
					   FL_KB_VOTER_KEY_LEN);
		if (fl_kb_limit_vote(fl_req_peer(r), &wait))
			return fl_req_too_many(r, wait, "votes");
		v = fl_arena_alloc(&r->arena, FL_KB_VOTER_KEY_LEN + 3);
		if (!v)
			return FL_ENOMEM;
		snprintf(v, FL_KB_VOTER_KEY_LEN + 3, "k:%s", k);
		c->voter = v;
	}
	return fl_req_write(r, tx_vote, render_vote);
}

/* ---- search ---- */

static int tx_search(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_kb_search(tx, &c->search, &r->arena, &c->found, &r->err);
}

/* A search from someone who is not an agent (the help center, the
 * portal, a customer's client) is recorded for the failed-search report;
 * after the read, in a write of its own. */
static int tx_record(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_kb_search_record(tx, c->search.query, c->search.locale, c->found.count, "api",
				   &c->search_id, c->search_token);
}

static int render_search(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array(), *o;

	for (size_t i = 0; i < c->found.n; i++) {
		const struct fl_kb_result *x = &c->found.results[i];
		json_t *a = article_json(r, &x->e.article, &x->e.tr);
		json_object_set_new(a, "snippet", json_string(x->snippet));
		json_object_set_new(a, "result_type", json_string("article"));
		json_array_append_new(list, a);
	}
	o = json_pack("{s:o}", "results", list);
	fl_req_page_links(r, &c->pg, o, c->found.has_more, c->found.count, 0, 0);
	if (c->found.corrected_query)
		json_object_set_new(o, "corrected_query", json_string(c->found.corrected_query));
	if (c->found.matched_any)
		json_object_set_new(o, "matched_any", json_true());
	if (c->search_id) {
		json_object_set_new(o, "search_id", json_integer(c->search_id));
		json_object_set_new(o, "search_token", json_string(c->search_token));
	}
	return fl_req_reply(r, 200, o);
}

/* Past the per-address limit a search is answered but not recorded (and
 * has no search_id): the report counts people, not a script's loop. */
static int after_search(struct fl_req *r)
{
	int64_t wait;
	if (r->actor.role >= FL_ROLE_VIEWER || fl_kb_limit_search_log(fl_req_peer(r), &wait))
		return render_search(r);
	return fl_req_write(r, tx_record, render_search);
}

static int h_search(struct fl_req *r)
{
	static const char *const allowed[] = {"query",    "locale", "label_names", "section",
					      "category", "page",   "per_page",    NULL};
	struct ctx *c = r->ctx;
	const char *z, *label = fl_req_arg(r, "label_names");
	int rc;

	if ((rc = fl_req_args_only(r, allowed)) || (rc = fl_req_paging(r, &c->pg)) ||
	    (rc = arg_locale(r, "en", &c->locale)))
		return rc;
	c->pg.cursor = 0;
	c->level = fl_kb_reader_level(&r->actor);
	z = fl_req_arg(r, "query");
	if (!z || !*z)
		return fl_req_fail(r, FL_EINVAL, "query", "Blank", "Query: cannot be blank");
	c->search = (struct fl_kb_search_in){.query = z,
					     .locale = c->locale,
					     .level = c->level,
					     .label = label && *label ? label : NULL,
					     .page = c->pg.page,
					     .per_page = c->pg.per_page};
	if ((z = fl_req_arg(r, "section")) &&
	    (fl_str_to_i64(fl_str_c(z), &c->search.section_id) || c->search.section_id <= 0))
		return fl_req_fail(r, FL_EINVAL, "section", "InvalidValue", "Section: an id");
	if ((z = fl_req_arg(r, "category")) &&
	    (fl_str_to_i64(fl_str_c(z), &c->search.category_id) || c->search.category_id <= 0))
		return fl_req_fail(r, FL_EINVAL, "category", "InvalidValue", "Category: an id");
	return fl_req_read(r, tx_search, after_search);
}

static int tx_click(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *a = r->body ? json_object_get(r->body, "article_id") : NULL;
	json_t *t = r->body ? json_object_get(r->body, "search_token") : NULL;

	if (!json_is_integer(a) || json_integer_value(a) <= 0)
		return fl_err_set(&r->err, FL_EINVAL, "article_id", "InvalidValue",
				  "Article: the id of the article clicked");
	if (!json_is_string(t))
		return fl_err_set(&r->err, FL_EINVAL, "search_token", "Blank",
				  "Search token: the search_token of the search's answer");
	return fl_kb_search_click(tx, r->id[0], json_string_value(t), json_integer_value(a),
				  c->level, &r->err);
}

/* The searcher opened one of the results: the search is not a failure.
 * Only with the search's token, within the hour, once, for an article the
 * caller may see, and at most fl_kb_limit_click's clicks per address. */
static int h_click(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int64_t wait;

	if (fl_kb_limit_click(fl_req_peer(r), &wait))
		return fl_req_too_many(r, wait, "clicks");
	c->level = fl_kb_reader_level(&r->actor);
	return fl_req_write(r, tx_click, fl_req_no_content);
}

static int tx_report(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_store_kb_search_report(tx, c->locale, c->from, c->to, 100, &r->arena, &c->stats,
					 &c->n);
}

/* What a customer typed, as the reader may see it: a viewer reads it with
 * the e-mail addresses and telephone numbers in it masked (core/redact.h);
 * when that cannot be done, not at all. */
static const char *customer_text(struct fl_req *r, const char *text)
{
	if (r->actor.role != FL_ROLE_VIEWER || !text)
		return text;
	const char *masked = fl_redact_contacts(text, &r->arena);
	return masked ? masked : "";
}

static int render_report(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();

	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:I, s:I}", "query",
						      customer_text(r, c->stats[i].query), "locale",
						      c->stats[i].locale, "searches",
						      (json_int_t)c->stats[i].searches, "no_result",
						      (json_int_t)c->stats[i].no_result, "no_click",
						      (json_int_t)c->stats[i].no_click));
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:o, s:o}", "searches", list, "start_time",
				      fl_json_time(c->from), "end_time", fl_json_time(c->to)));
}

/* What customers searched for and did not find (no result) or did not
 * open (no click), by locale, over [start_time, end_time) (unix seconds
 * or ISO dates; the last 30 days by default). */
static int h_report(struct fl_req *r)
{
	static const char *const allowed[] = {"locale", "start_time", "end_time", NULL};
	struct ctx *c = r->ctx;
	const char *from = fl_req_arg(r, "start_time"), *to = fl_req_arg(r, "end_time");
	int rc;

	if ((rc = fl_req_args_only(r, allowed)) || (rc = arg_locale(r, NULL, &c->locale)))
		return rc;
	c->to = fl_now() + 1;
	c->from = c->to - 30 * 86400;
	if (from && fl_str_to_i64(fl_str_c(from), &c->from) &&
	    fl_time_parse(fl_str_c(from), &c->from))
		return fl_req_fail(r, FL_EINVAL, "start_time", "InvalidValue",
				   "Start time: unix seconds or an ISO 8601 date");
	if (to && fl_str_to_i64(fl_str_c(to), &c->to) && fl_time_parse(fl_str_c(to), &c->to))
		return fl_req_fail(r, FL_EINVAL, "end_time", "InvalidValue",
				   "End time: unix seconds or an ISO 8601 date");
	return fl_req_read(r, tx_report, render_report);
}

/* ---- article attachments ---- */

static json_t *file_json(struct fl_req *r, int64_t article_id, const struct fl_attachment *f)
{
	char url[300];
	snprintf(url, sizeof url, "%s/hc/article_attachments/%lld", fl_req_base(r),
		 (long long)f->id);
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:o}", "id", (json_int_t)f->id,
			 "article_id", (json_int_t)article_id, "file_name", f->file_name,
			 "content_type", f->content_type, "content_url", url, "size",
			 (json_int_t)f->size, "created_at", fl_json_time(f->created_at));
}

static int tx_file_add(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_kb_article_get(tx, r->id[0], &r->arena, &c->art);

	if (!rc)
		rc = fl_store_attachment_insert(tx, &c->up.a, c->up.data, c->up.n);
	return rc ? rc : fl_store_kb_attachment_link(tx, c->art.id, c->up.a.id, c->up.a.created_at);
}

static int render_file(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_req_reply(r, 201,
			    json_pack("{s:o}", "article_attachment",
				      file_json(r, c->art.id, &c->up.a)));
}

/* A file for an article (an image to show in it, most often), under the
 * attachments' rules: its name cleaned, its type never trusted (served
 * inline only when its bytes are an image). */
static int h_file_add(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_upload_read(r, &c->up);
	return rc ? rc : fl_req_write(r, tx_file_add, render_file);
}

static int tx_files(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int rc = fl_store_kb_article_get(tx, r->id[0], &r->arena, &c->art);
	return rc ? rc : fl_store_kb_attachment_list(tx, c->art.id, &r->arena, &c->files, &c->n);
}

static int render_files(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(list, file_json(r, c->art.id, &c->files[i]));
	return fl_req_reply(r, 200, json_pack("{s:o}", "article_attachments", list));
}

static int h_files(struct fl_req *r)
{
	return fl_req_read(r, tx_files, render_files);
}

/* A file of an article the reader may see: at least one of its translations
 * visible to them (published, the article's visibility, not archived; agents
 * any). Otherwise the same 404 as a missing file: a draft's images are as
 * private as its text, and attachment ids are sequential. */
static int tx_file(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	int64_t article;
	int rc = fl_store_kb_attachment_article(tx, r->id[0], &article);

	if (!rc)
		rc = fl_store_kb_article_get(tx, article, &r->arena, &c->art);
	if (!rc && c->level < FL_KB_AGENTS) {
		int seen = 0;
		rc = fl_store_kb_translation_list(tx, article, &r->arena, &c->trs, &c->n);
		for (size_t i = 0; !rc && i < c->n && !seen; i++)
			seen = fl_kb_visible(c->level, &c->art, &c->trs[i]);
		if (!rc && !seen)
			rc = FL_ENOTFOUND;
	}
	if (!rc)
		rc = fl_store_attachment_get(tx, r->id[0], &r->arena, &c->up.a);
	if (!rc && c->up.a.in_db)
		rc = fl_store_attachment_data(tx, c->up.a.id, &r->arena, (void **)&c->up.data,
					      &c->up.n);
	return rc;
}

static int render_file_content(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	return fl_attachment_reply(r, &c->up.a, c->up.data, c->up.n);
}

static int h_file(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	c->level = fl_kb_reader_level(&r->actor);
	return fl_req_read(r, tx_file, render_file_content);
}

#define ARTICLE HC "/articles/{id}"
#define TR(l) ARTICLE "/translations/" l
#define LOCALE_ROUTES(l)                                                                             \
	{"GET", TR(l), h_translation, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},                     \
		{"PUT",                                                                              \
		 TR(l),                                                                              \
		 h_translation_update,                                                               \
		 FL_ROLE_AGENT,                                                                      \
		 ARTICLE_BODY_LIMIT,                                                                 \
		 sizeof(struct ctx)},                                                                \
		{"GET", TR(l) "/revisions", h_revisions, FL_ROLE_AGENT, 0, sizeof(struct ctx)},      \
		{"GET", TR(l) "/revisions/{id}", h_revision, FL_ROLE_AGENT, 0, sizeof(struct ctx)},  \
		{"GET", TR(l) "/revisions/{id}/diff", h_diff, FL_ROLE_AGENT, 0, sizeof(struct ctx)}, \
	{                                                                                            \
		"POST", TR(l) "/revisions/{id}/restore", h_restore, FL_ROLE_AGENT, 0,                \
			sizeof(struct ctx)                                                           \
	}

const struct fl_route fl_kb_routes[] = {
	{"GET", HC "/categories", h_categories, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"POST", HC "/categories", h_category_create, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", HC "/categories/{id}", h_category, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"PUT", HC "/categories/{id}", h_category_update, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", HC "/categories/{id}/translations", h_names, FL_ROLE_ANONYMOUS, 0,
	 sizeof(struct ctx)},
	{"POST", HC "/categories/{id}/translations", h_name_create, FL_ROLE_AGENT, 0,
	 sizeof(struct ctx)},
	{"GET", HC "/categories/{id}/sections", h_sections, FL_ROLE_ANONYMOUS, 0,
	 sizeof(struct ctx)},
	{"POST", HC "/categories/{id}/sections", h_section_create, FL_ROLE_AGENT, 0,
	 sizeof(struct ctx)},
	{"GET", HC "/categories/{id}/articles", h_articles, FL_ROLE_ANONYMOUS, 0,
	 sizeof(struct ctx)},
	{"GET", HC "/sections", h_sections, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"GET", HC "/sections/{id}", h_section, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"PUT", HC "/sections/{id}", h_section_update, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", HC "/sections/{id}/translations", h_names, FL_ROLE_ANONYMOUS, 0,
	 sizeof(struct ctx)},
	{"POST", HC "/sections/{id}/translations", h_name_create, FL_ROLE_AGENT, 0,
	 sizeof(struct ctx)},
	{"GET", HC "/sections/{id}/articles", h_articles, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"POST", HC "/sections/{id}/articles", h_article_create, FL_ROLE_AGENT, ARTICLE_BODY_LIMIT,
	 sizeof(struct ctx)},
	{"GET", HC "/articles", h_articles, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"GET", HC "/articles/labels", h_labels, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", HC "/articles/search", h_search, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"POST", HC "/searches/{id}/click", h_click, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"GET", HC "/reports/searches", h_report, FL_ROLE_VIEWER, 0, sizeof(struct ctx)},
	{"GET", HC "/translations/missing", h_missing, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", ARTICLE, h_article, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"PUT", ARTICLE, h_article_update, FL_ROLE_AGENT, ARTICLE_BODY_LIMIT, sizeof(struct ctx)},
	{"DELETE", ARTICLE, h_article_archive, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"POST", ARTICLE "/up", h_vote, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"POST", ARTICLE "/down", h_vote, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"POST", ARTICLE "/attachments", h_file_add, FL_ROLE_AGENT, 0, sizeof(struct ctx),
	 FL_ROUTE_RAW_BODY},
	{"GET", ARTICLE "/attachments", h_files, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{"GET", "/hc/article_attachments/{id}", h_file, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"GET", ARTICLE "/translations", h_translations, FL_ROLE_ANONYMOUS, 0, sizeof(struct ctx)},
	{"POST", ARTICLE "/translations", h_translation_create, FL_ROLE_AGENT, ARTICLE_BODY_LIMIT,
	 sizeof(struct ctx)},
	{"GET", ARTICLE "/translations/missing", h_translations_missing, FL_ROLE_AGENT, 0,
	 sizeof(struct ctx)},
	LOCALE_ROUTES("uk"),
	LOCALE_ROUTES("ru"),
	LOCALE_ROUTES("lt"),
	LOCALE_ROUTES("en"),
	{0},
};
