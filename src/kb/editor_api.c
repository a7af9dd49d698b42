/* What the workspace's knowledge-base editor needs beside the Help Center
 * API (kb_api.c, docs/kb.md "In the workspace"); agents only.
 *   POST /api/v2/help_center/preview  {"body_markdown": "…"} → {"body": "…"}
 *     the Markdown as readers would get it: rendered and sanitized by the
 *     very code a save runs (fl_kb_render), checked by the same rules (a
 *     422 naming "body_markdown"). {"body": "…"} instead previews HTML as
 *     a save of an HTML body would keep it (the editor edits a translation
 *     written as HTML as HTML). Nothing is written.
 *   GET  /api/v2/help_center/editor/articles[?section=&label_names=]
 *     every article, archived ones too, each with a summary of all its
 *     translations (locale, title, draft, counts): one list from which the
 *     editor shows titles in the agent's language, the locales present and
 *     what is missing where — the Help Center list gives one locale at a
 *     time and leaves out the articles without it. */
#include <stdlib.h>
#include <string.h>

#include "core/input.h"
#include "http/http.h"
#include "kb/kb.h"
#include "store/kb.h"

#define HC "/api/v2/help_center"

struct ctx {
	const char *md, *body;
	int has_md, has_body;
	char *html;
	struct fl_kb_filter filter;
	struct fl_kb_entry *all; /* every locale's entries, sorted by article */
	size_t n;
	int truncated; /* some locale had more than FL_STORE_KB_LIST_MAX */
};

/* The body's Markdown (or HTML) as a string of at most FL_KB_BODY_MAX
 * characters; fl_kb_translation_check then counts its bytes as a save
 * would. */
static const struct fl_field preview_fields[] = {
	{"body_markdown", FL_FT_STRING, FL_KB_BODY_MAX, 0, 0, NULL, offsetof(struct ctx, md),
	 offsetof(struct ctx, has_md), 0, 0},
	{"body", FL_FT_STRING, FL_KB_BODY_MAX, 0, 0, NULL, offsetof(struct ctx, body),
	 offsetof(struct ctx, has_body), 0, 0},
	FL_FIELDS_END,
};

static int h_preview(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_kb_translation t = {0};
	int rc;

	if (!json_is_object(r->body))
		return fl_req_fail(r, FL_EMALFORMED, "body_markdown", "InvalidRequest",
				   "the body must be {\"body_markdown\": \"…\"}");
	if ((rc = fl_input_decode(r->body, preview_fields, c, &r->arena, &r->err)))
		return rc;
	if (c->has_md == c->has_body)
		return fl_req_fail(r, FL_EINVAL, "body_markdown", "Blank",
				   "Body: body_markdown or body, one of them (an empty string "
				   "previews nothing)");
	/* a title and locale stand in so that the body meets exactly the
	 * checks a save would put it through */
	t.locale = "en";
	t.title = "preview";
	t.body_md = c->has_md ? (char *)c->md : NULL;
	t.body_html = c->has_body ? (char *)c->body : NULL;
	if ((rc = fl_kb_translation_check(&t, &r->err)) ||
	    (rc = fl_kb_render(&t, &r->arena, &r->err)))
		return rc;
	return fl_req_reply(r, 200, json_pack("{s:s}", "body", t.body_html));
}

/* By article (position, then id, as the Help Center lists them), then
 * locale in fl_kb_locales order. */
static int by_article(const void *x, const void *y)
{
	const struct fl_kb_entry *a = x, *b = y;
	if (a->article.position != b->article.position)
		return a->article.position < b->article.position ? -1 : 1;
	if (a->article.id != b->article.id)
		return a->article.id < b->article.id ? -1 : 1;
	return fl_kb_locale(a->tr.locale) - fl_kb_locale(b->tr.locale);
}

static int tx_articles(fl_tx *tx, struct fl_req *r)
{
	struct ctx *c = r->ctx;
	struct fl_kb_entry *part[FL_KB_NLOCALES];
	size_t n[FL_KB_NLOCALES], total = 0;
	int rc;

	for (int l = 0; l < FL_KB_NLOCALES; l++) {
		int64_t all;
		c->filter.locale = fl_kb_locales[l];
		if ((rc = fl_store_kb_entry_list(tx, &c->filter, &r->arena, &part[l], &n[l], &all)))
			return rc;
		c->truncated |= all > (int64_t)n[l];
		total += n[l];
	}
	c->all = fl_arena_alloc(&r->arena, (total ? total : 1) * sizeof *c->all);
	if (!c->all)
		return FL_ENOMEM;
	for (int l = 0; l < FL_KB_NLOCALES; l++) {
		memcpy(c->all + c->n, part[l], n[l] * sizeof *c->all);
		c->n += n[l];
	}
	qsort(c->all, c->n, sizeof *c->all, by_article);
	return 0;
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

static int render_articles(struct fl_req *r)
{
	struct ctx *c = r->ctx;
	json_t *list = json_array(), *art = NULL, *trs = NULL;
	int64_t last = 0;

	for (size_t i = 0; i < c->n; i++) {
		const struct fl_kb_article *a = &c->all[i].article;
		const struct fl_kb_translation *t = &c->all[i].tr;
		if (a->id != last) {
			trs = json_array();
			art = json_pack(
				"{s:I, s:I, s:i, s:b, s:s, s:o, s:s, s:b, s:I, s:o, s:o, s:o}",
				"id", (json_int_t)a->id, "section_id", (json_int_t)a->section_id,
				"position", a->position, "promoted", a->promoted, "visibility",
				fl_kb_visibility_name(a->visibility), "label_names",
				labels_json(r, a->labels), "source_locale", a->source_locale,
				"archived", a->archived_at != 0, "author_id",
				(json_int_t)a->author_id, "created_at", fl_json_time(a->created_at),
				"updated_at", fl_json_time(a->updated_at), "translations", trs);
			if (!art)
				return FL_ENOMEM;
			json_array_append_new(list, art);
			last = a->id;
		}
		json_array_append_new(trs,
				      json_pack("{s:s, s:s, s:b, s:I, s:I, s:I, s:o, s:I}",
						"locale", t->locale, "title", t->title, "draft",
						t->draft, "view_count", (json_int_t)t->view_count,
						"vote_sum", (json_int_t)t->vote_sum, "vote_count",
						(json_int_t)t->vote_count, "updated_at",
						fl_json_time(t->updated_at), "editor_id",
						(json_int_t)t->editor_id));
	}
	return fl_req_reply(r, 200,
			    json_pack("{s:o, s:I, s:b}", "articles", list, "count",
				      (json_int_t)json_array_size(list), "truncated",
				      c->truncated));
}

static int h_articles(struct fl_req *r)
{
	static const char *const allowed[] = {"section", "label_names", NULL};
	struct ctx *c = r->ctx;
	const char *z;
	int rc;

	if ((rc = fl_req_args_only(r, allowed)))
		return rc;
	c->filter = (struct fl_kb_filter){
		.level = FL_KB_AGENTS, .drafts = 1, .archived = 1, .limit = FL_STORE_KB_LIST_MAX};
	if ((z = fl_req_arg(r, "section")) &&
	    (fl_str_to_i64(fl_str_c(z), &c->filter.section_id) || c->filter.section_id <= 0))
		return fl_req_fail(r, FL_EINVAL, "section", "InvalidValue", "Section: an id");
	if ((z = fl_req_arg(r, "label_names")) && *z)
		c->filter.label = z;
	return fl_req_read(r, tx_articles, render_articles);
}

const struct fl_route fl_kb_editor_routes[] = {
	/* a body of FL_KB_BODY_MAX characters, escaped at worst six bytes
	 * each, is a 422 naming it rather than a 413 */
	{"POST", HC "/preview", h_preview, FL_ROLE_AGENT, 8u * FL_KB_BODY_MAX, sizeof(struct ctx)},
	{"GET", HC "/editor/articles", h_articles, FL_ROLE_AGENT, 0, sizeof(struct ctx)},
	{0},
};
