/* Macros (rules/macro.h): who sees which, the reply chosen by language,
 * the doors and applying one without writing. */
#include "rules/macro.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/time.h"
#include "rules/ruleset.h"
#include "store/macros.h"
#include "store/users.h"
#include "tickets/placeholder.h"

static const char *const lang_names[FL_LANG__MAX] = {"uk", "ru", "lt", "en"};

const char *fl_macro_lang_name(int lang)
{
	return lang >= 0 && lang < FL_LANG__MAX ? lang_names[lang] : NULL;
}

int fl_macro_lang(const char *locale)
{
	char two[3];
	if (!locale || !locale[0] || !locale[1] ||
	    (locale[2] && locale[2] != '-' && locale[2] != '_'))
		return -1;
	for (int i = 0; i < 2; i++)
		two[i] = (char)(locale[i] >= 'A' && locale[i] <= 'Z' ? locale[i] + 32 : locale[i]);
	two[2] = 0;
	for (int l = 0; l < FL_LANG__MAX; l++)
		if (!strcmp(two, lang_names[l]))
			return l;
	return -1;
}

/* ---- who sees what ---- */

int fl_macro_visible(const struct fl_macro *m, int64_t id, int role, const int64_t *groups,
		     size_t ngroups)
{
	if (role < FL_ROLE_AGENT)
		return 0;
	if (m->owner_id)
		return m->owner_id == id;
	if (!m->ngroups || role >= FL_ROLE_ADMIN)
		return 1;
	for (size_t i = 0; i < m->ngroups; i++)
		for (size_t k = 0; k < ngroups; k++)
			if (m->group_ids[i] == groups[k])
				return 1;
	return 0;
}

int fl_macro_writable(const struct fl_macro *m, const struct fl_actor *who)
{
	if (m->owner_id)
		return m->owner_id == who->id;
	return who->role >= FL_ROLE_ADMIN;
}

const char *fl_macro_reply(const struct fl_macro *m, const char *locale, int *pub)
{
	int lang = fl_macro_lang(locale);
	const char *text = NULL;

	*pub = 0;
	for (size_t i = 0; i < m->rule.nactions; i++) {
		const struct fl_rule_action *x = &m->rule.actions[i];
		if (x->field == FL_RA_COMMENT_PUBLIC)
			*pub = (int)x->value;
		else if (x->field == FL_RA_COMMENT)
			text = x->text;
	}
	if (lang >= 0 && m->replies[lang] && m->replies[lang][0])
		return m->replies[lang];
	return text;
}

/* ---- input ---- */

static int read_group_id(json_t *v, const char *field, int64_t *out, struct fl_err *e)
{
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
				  "%s: must be a group id (a positive whole number)", field);
	*out = json_integer_value(v);
	return 0;
}

int fl_macro_decode_restriction(json_t *v, struct fl_macro *m, struct fl_err *e)
{
	const char *type;
	json_t *ids, *item;
	size_t i;
	char field[64];

	m->owner_id = 0;
	m->ngroups = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return fl_err_set(e, FL_EINVAL, "restriction", "InvalidType",
				  "restriction: must be null, {\"type\": \"User\", \"id\": …} or "
				  "{\"type\": \"Group\", \"ids\": [...]}");
	type = json_string_value(json_object_get(v, "type"));
	if (type && !strcmp(type, "User")) {
		json_t *id = json_object_get(v, "id");
		if (!json_is_integer(id) || json_integer_value(id) <= 0)
			return fl_err_set(e, FL_EINVAL, "restriction.id", "InvalidValue",
					  "restriction.id: must be a user id");
		m->owner_id = json_integer_value(id);
		return 0;
	}
	if (!type || strcmp(type, "Group"))
		return fl_err_set(e, FL_EINVAL, "restriction.type", "InvalidValue",
				  "restriction.type: must be User or Group");
	ids = json_object_get(v, "ids");
	if (!ids && json_object_get(v, "id"))
		return read_group_id(json_object_get(v, "id"), "restriction.id", &m->group_ids[0],
				     e)
			       ? FL_EINVAL
			       : (m->ngroups = 1, 0);
	if (!json_is_array(ids) || !json_array_size(ids))
		return fl_err_set(e, FL_EINVAL, "restriction.ids", "InvalidValue",
				  "restriction.ids: must be a list of group ids");
	if (json_array_size(ids) > FL_MACRO_GROUPS_MAX)
		return fl_err_set(e, FL_EINVAL, "restriction.ids", "TooLong",
				  "restriction.ids: at most %d groups", FL_MACRO_GROUPS_MAX);
	json_array_foreach(ids, i, item)
	{
		snprintf(field, sizeof field, "restriction.ids[%zu]", i);
		if (read_group_id(item, field, &m->group_ids[i], e))
			return FL_EINVAL;
	}
	m->ngroups = json_array_size(ids);
	return 0;
}

int fl_macro_decode_translations(json_t *v, fl_arena *a, struct fl_macro *m, struct fl_err *e)
{
	const char *key;
	json_t *text;
	char field[64];

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return fl_err_set(e, FL_EINVAL, "translations", "InvalidType",
				  "translations: must be {\"uk\": …, \"ru\": …, \"lt\": …, "
				  "\"en\": …}");
	json_object_foreach(v, key, text)
	{
		int lang = -1;
		for (int l = 0; l < FL_LANG__MAX; l++)
			if (!strcmp(key, lang_names[l]))
				lang = l;
		snprintf(field, sizeof field, "translations.%.40s", key);
		if (lang < 0)
			return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
					  "%s: replies are written in uk, ru, lt or en", field);
		if (json_is_null(text)) {
			m->replies[lang] = "";
			continue;
		}
		if (!json_is_string(text))
			return fl_err_set(e, FL_EINVAL, field, "InvalidType", "%s: must be text",
					  field);
		if (strlen(json_string_value(text)) > FL_RULE_TEXT_MAX)
			return fl_err_set(e, FL_EINVAL, field, "TooLong", "%s: at most %d bytes",
					  field, FL_RULE_TEXT_MAX);
		if (fl_placeholders_check(json_string_value(text), field, e))
			return FL_EINVAL;
		if (!(m->replies[lang] = fl_arena_strdup(a, json_string_value(text))))
			return FL_ENOMEM;
	}
	return 0;
}

json_t *fl_macro_restriction_json(const struct fl_macro *m)
{
	json_t *ids;
	if (m->owner_id)
		return json_pack("{s:s, s:I}", "type", "User", "id", (json_int_t)m->owner_id);
	if (!m->ngroups)
		return json_null();
	ids = json_array();
	for (size_t i = 0; i < m->ngroups; i++)
		json_array_append_new(ids, json_integer(m->group_ids[i]));
	return json_pack("{s:s, s:I, s:o}", "type", "Group", "id", (json_int_t)m->group_ids[0],
			 "ids", ids);
}

json_t *fl_macro_translations_json(const struct fl_macro *m)
{
	json_t *o = json_object();
	for (int l = 0; l < FL_LANG__MAX; l++)
		json_object_set_new(o, lang_names[l],
				    json_string(m->replies[l] ? m->replies[l] : ""));
	return o;
}

/* ---- search ---- */

/* The code point at *p (advancing it), lower-cased for ASCII, Cyrillic
 * (Ukrainian and Russian letters) and Latin Extended-A (Lithuanian). A
 * byte that is not UTF-8 stands for itself. */
static unsigned next_lower(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned c = s[0];

	if (c >= 0xc0 && c < 0xe0 && (s[1] & 0xc0) == 0x80) {
		c = ((c & 0x1fu) << 6) | (s[1] & 0x3fu);
		*p += 2;
	} else if (c >= 0xe0 && c < 0xf0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		c = ((c & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
		*p += 3;
	} else {
		*p += 1;
	}
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0x410 && c <= 0x42f)
		return c + 32;
	if (c >= 0x400 && c <= 0x40f)
		return c + 80;
	if (c == 0x490)
		return 0x491;
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14a && c <= 0x177))
		return c | 1u;
	if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e)) && (c & 1u))
		return c + 1;
	return c;
}

static int starts_with(const unsigned char *text, const unsigned char *word, size_t wlen)
{
	const unsigned char *w = word, *end = word + wlen;
	while (w < end) {
		if (!*text || next_lower(&text) != next_lower(&w))
			return 0;
	}
	return 1;
}

int fl_macro_matches(const char *text, const char *query)
{
	const unsigned char *q = (const unsigned char *)query;

	while (*q) {
		const unsigned char *t = (const unsigned char *)text;
		size_t len = 0;
		int found = 0;
		while (*q == ' ')
			q++;
		while (q[len] && q[len] != ' ')
			len++;
		if (!len)
			break;
		while (*t && !found) {
			found = starts_with(t, q, len);
			next_lower(&t);
		}
		if (!found)
			return 0;
		q += len;
	}
	return 1;
}

/* ---- reading and writing ---- */

static int parse_stored(const struct fl_store_macro *s, fl_arena *a, struct fl_macro *out)
{
	json_error_t je;
	json_t *x = json_loads(s->actions_json, 0, &je), *g = json_loads(s->group_ids, 0, &je);
	struct fl_err e;
	int rc = x && json_is_array(g) ? fl_rule_decode(FL_RULE_MACRO, NULL, x, a, &out->rule, &e)
				       : FL_EINTERNAL;
	json_t *item;
	size_t i;

	out->ngroups = 0;
	if (!rc)
		json_array_foreach(g, i, item) if (out->ngroups < FL_MACRO_GROUPS_MAX)
			out->group_ids[out->ngroups++] = json_integer_value(item);
	json_decref(x);
	json_decref(g);
	if (rc)
		return rc == FL_ENOMEM ? rc : FL_EINTERNAL;
	out->id = s->id;
	out->title = s->title;
	out->description = s->description;
	out->active = s->active;
	out->position = s->position;
	out->owner_id = s->owner_id;
	out->actions_json = s->actions_json;
	out->replies[FL_LANG_UK] = s->reply_uk;
	out->replies[FL_LANG_RU] = s->reply_ru;
	out->replies[FL_LANG_LT] = s->reply_lt;
	out->replies[FL_LANG_EN] = s->reply_en;
	out->usage_count = s->usage_count;
	out->created_by = s->created_by;
	out->created_at = s->created_at;
	out->updated_at = s->updated_at;
	return 0;
}

static int groups_of(fl_tx *tx, const struct fl_actor *who, fl_arena *a, int64_t **g, size_t *n)
{
	return fl_store_user_group_ids(tx, who->id, 1000, a, g, n);
}

int fl_macro_get(fl_tx *tx, const struct fl_actor *who, int64_t id, fl_arena *a,
		 struct fl_macro *out)
{
	struct fl_store_macro s;
	int64_t *g;
	size_t ng;
	int rc = fl_store_macro_get(tx, id, a, &s);

	if (rc || (rc = parse_stored(&s, a, out)) || (rc = groups_of(tx, who, a, &g, &ng)))
		return rc;
	return fl_macro_visible(out, who->id, who->role, g, ng) ? 0 : FL_ENOTFOUND;
}

int fl_macro_list(fl_tx *tx, const struct fl_actor *who, fl_arena *a, struct fl_macro **out,
		  size_t *n)
{
	struct fl_store_macro *s;
	struct fl_macro *m;
	int64_t *g;
	size_t k, ng, j = 0;
	int rc = fl_store_macro_list(tx, who->id, a, &s, &k);

	if (rc || (rc = groups_of(tx, who, a, &g, &ng)))
		return rc;
	if (!(m = fl_arena_alloc(a, (k + 1) * sizeof *m)))
		return FL_ENOMEM;
	for (size_t i = 0; i < k; i++) {
		memset(&m[j], 0, sizeof m[j]);
		if ((rc = parse_stored(&s[i], a, &m[j])))
			return rc;
		if (fl_macro_visible(&m[j], who->id, who->role, g, ng))
			j++;
	}
	*out = m;
	*n = j;
	return 0;
}

static int group_live(fl_tx *tx, int64_t id, fl_arena *a)
{
	struct fl_group g;
	return fl_store_group_get(tx, id, a, &g) == 0 && !g.deleted;
}

_Static_assert(FL_MACRO_TITLE_MAX == FL_RULESET_TITLE_MAX &&
		       FL_MACRO_DESCRIPTION_MAX == FL_RULESET_DESCRIPTION_MAX,
	       "a macro's title and description are checked as a rule's");

static int check(fl_tx *tx, const struct fl_actor *who, struct fl_macro *m, fl_arena *a,
		 struct fl_err *e)
{
	int has_reply = 0, rc;

	/* a macro's title and description are a rule's (the same limits) */
	if ((rc = fl_ruleset_check_text(m->title, &m->description, e)))
		return rc;
	for (int l = 0; l < FL_LANG__MAX; l++) {
		if (!m->replies[l])
			m->replies[l] = "";
		has_reply |= m->replies[l][0] != 0;
	}
	if (!m->rule.nactions && !has_reply)
		return fl_err_set(e, FL_EINVAL, "actions", "Blank",
				  "Actions: a macro needs an action or a reply");
	/* agents keep their own macros; what the whole team uses is the
	 * admins' to write */
	if (m->owner_id && m->owner_id != who->id)
		return fl_err_set(e, FL_EINVAL, "restriction.id", "InvalidValue",
				  "restriction.id: a personal macro is its author's own");
	if (!m->owner_id && who->role < FL_ROLE_ADMIN)
		return fl_err_set(e, FL_EFORBIDDEN, "restriction", "Forbidden",
				  "restriction: agents may save personal macros only");
	for (size_t i = 0; i < m->ngroups; i++)
		if (!group_live(tx, m->group_ids[i], a)) {
			char field[64];
			snprintf(field, sizeof field, "restriction.ids[%zu]", i);
			return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
					  "%s: group %lld does not exist", field,
					  (long long)m->group_ids[i]);
		}
	return fl_rule_check_refs(tx, &m->rule, a, e);
}

static int texts(struct fl_macro *m, fl_arena *a, char **groups)
{
	json_t *x = fl_rule_actions_json(&m->rule), *g = json_array();
	char *xz, *gz;
	int rc;

	for (size_t i = 0; i < m->ngroups; i++)
		json_array_append_new(g, json_integer(m->group_ids[i]));
	xz = x ? json_dumps(x, JSON_COMPACT) : NULL;
	gz = json_dumps(g, JSON_COMPACT);
	rc = xz && gz ? 0 : FL_ENOMEM;
	if (!rc &&
	    (!(m->actions_json = fl_arena_strdup(a, xz)) || !(*groups = fl_arena_strdup(a, gz))))
		rc = FL_ENOMEM;
	free(xz);
	free(gz);
	json_decref(x);
	json_decref(g);
	return rc;
}

static struct fl_store_macro row_of(const struct fl_macro *m, char *groups)
{
	return (struct fl_store_macro){m->id,
				       m->title,
				       m->description,
				       m->active,
				       m->position,
				       m->owner_id,
				       groups,
				       m->actions_json,
				       (char *)m->replies[FL_LANG_UK],
				       (char *)m->replies[FL_LANG_RU],
				       (char *)m->replies[FL_LANG_LT],
				       (char *)m->replies[FL_LANG_EN],
				       m->usage_count,
				       m->created_by,
				       m->created_at,
				       m->updated_at};
}

int fl_macro_create(fl_tx *tx, const struct fl_actor *who, struct fl_macro *m, fl_arena *a,
		    struct fl_err *e)
{
	struct fl_store_macro s;
	char *groups;
	int rc = check(tx, who, m, a, e);

	if (rc || (rc = texts(m, a, &groups)))
		return rc;
	m->created_by = who->id;
	m->created_at = m->updated_at = fl_now();
	m->usage_count = 0;
	s = row_of(m, groups);
	if ((rc = fl_store_macro_insert(tx, &s)))
		return rc;
	m->id = s.id;
	m->position = s.position;
	return 0;
}

int fl_macro_update(fl_tx *tx, const struct fl_actor *who, struct fl_macro *m, fl_arena *a,
		    struct fl_err *e)
{
	struct fl_store_macro s;
	char *groups;
	int rc = check(tx, who, m, a, e);

	if (rc || (rc = texts(m, a, &groups)))
		return rc;
	m->updated_at = fl_now();
	s = row_of(m, groups);
	return fl_store_macro_update(tx, &s);
}

int fl_macro_delete(fl_tx *tx, const struct fl_actor *who, int64_t id, fl_arena *a)
{
	struct fl_macro m = {0};
	int rc = fl_macro_get(tx, who, id, a, &m);

	if (rc)
		return rc;
	if (!fl_macro_writable(&m, who))
		return FL_EFORBIDDEN;
	return fl_store_macro_delete(tx, id);
}

/* ---- applying ---- */

static void tag_put(const char **list, size_t *n, const char *tag, int add)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(list[i], tag)) {
			if (!add) {
				memmove(list + i, list + i + 1, (*n - i - 1) * sizeof *list);
				(*n)--;
			}
			return;
		}
	if (add && *n < FL_TICKET_MAX_TAGS)
		list[(*n)++] = tag;
}

int fl_macro_patch(const struct fl_macro *m, const struct fl_ticket *t, const struct fl_actor *who,
		   fl_arena *a, struct fl_macro_result *out)
{
	static const struct fl_ticket none;
	struct fl_rule_ctx c = {.t = t ? t : &none,
				.update_type = FL_RULE_UPDATE_CHANGE,
				.actor_id = who->id,
				.actor_role = who->role,
				.sla_event = -1,
				.sla_metric = -1};
	struct fl_rule_effect *fx;
	size_t nfx;
	int rc;

	memset(out, 0, sizeof *out);
	c.before = c.t;
	if ((rc = fl_rule_apply(&m->rule, &c, a, &out->p, &fx, &nfx)))
		return rc;
	if (!out->p.has_tags && !out->p.has_add_tags && !out->p.has_remove_tags)
		return 0;
	out->has_tags = 1;
	if (out->p.has_tags) {
		for (size_t i = 0; i < out->p.ntags; i++)
			out->tags[i] = out->p.tags[i];
		out->ntags = out->p.ntags;
		return 0;
	}
	for (size_t i = 0; i < c.t->ntags; i++)
		out->tags[out->ntags++] = c.t->tags[i];
	for (size_t i = 0; i < out->p.nadd_tags; i++)
		tag_put(out->tags, &out->ntags, out->p.add_tags[i], 1);
	for (size_t i = 0; i < out->p.nremove_tags; i++)
		tag_put(out->tags, &out->ntags, out->p.remove_tags[i], 0);
	return 0;
}

int fl_macro_apply(fl_tx *tx, const struct fl_actor *who, int64_t id, int64_t ticket_id,
		   fl_arena *a, struct fl_macro_result *out, struct fl_err *e)
{
	struct fl_macro m = {0};
	struct fl_ticket t;
	struct fl_user req;
	struct fl_render_ctx rc_ = {NULL, who->id, NULL};
	const char *tpl;
	fl_buf html;
	int pub, rc = fl_macro_get(tx, who, id, a, &m);

	if (rc)
		return rc;
	if (ticket_id) {
		if ((rc = fl_ticket_load(tx, who, ticket_id, a, &t)))
			return rc == FL_ENOTFOUND ? fl_err_set(e, rc, "ticket_id", "RecordNotFound",
							       "ticket_id: no ticket %lld",
							       (long long)ticket_id)
						  : rc;
		rc_.t = &t;
		/* the customer's language chooses the reply, and names
		 * status and priority in it */
		if (!fl_store_user_get(tx, t.requester_id, a, &req))
			rc_.lang = req.locale;
	}
	if ((rc = fl_macro_patch(&m, rc_.t, who, a, out)))
		return rc;
	if (!(tpl = fl_macro_reply(&m, rc_.lang, &pub)))
		return 0;
	if ((rc = fl_placeholders_render(tx, tpl, &rc_, 0, a, &out->body, e)))
		return rc;
	fl_buf_init(&html, 4 * FL_RULE_TEXT_MAX + 65536);
	if ((rc = fl_text_to_html(out->body, &html)) ||
	    !(out->html_body = fl_arena_strdup(a, html.p ? html.p : "")))
		rc = rc ? rc : FL_ENOMEM;
	fl_buf_free(&html);
	out->has_comment = !rc;
	out->public = pub;
	return rc;
}

int fl_macros_used(fl_tx *tx, const struct fl_actor *who, const int64_t *ids, size_t n, fl_arena *a,
		   char **what, struct fl_err *e)
{
	fl_buf b;
	int rc = 0;

	if (who->role < FL_ROLE_AGENT)
		return fl_err_set(e, FL_EFORBIDDEN, "macro_ids", NULL, "Only agents use macros");
	fl_buf_init(&b, 4096);
	for (size_t i = 0; !rc && i < n; i++) {
		struct fl_macro m;
		rc = fl_macro_get(tx, who, ids[i], a, &m);
		if (rc == FL_ENOTFOUND)
			rc = fl_err_set(
				e, FL_EINVAL, "macro_ids", "InvalidValue",
				"macro_ids: macro %lld does not exist or is not yours to use",
				(long long)ids[i]);
		if (!rc)
			rc = fl_store_macro_used(tx, ids[i]);
		if (!rc)
			rc = fl_buf_addf(&b, "%sMacro %lld: %s", i ? "; " : "", (long long)ids[i],
					 m.title);
	}
	if (!rc && !(*what = fl_arena_strdup(a, b.p ? b.p : "")))
		rc = FL_ENOMEM;
	fl_buf_free(&b);
	return rc;
}
