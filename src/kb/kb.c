/* The knowledge base's rules (kb.h): locales, visibility, slugs, labels,
 * the checks of what is written, rendering, the line diff of revisions,
 * and the writes that must be whole (a translation with its revision). */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "core/html.h"
#include "core/limit.h"
#include "core/random.h"
#include "core/str.h"
#include "core/text.h"
#include "core/time.h"
#include "kb/kb.h"
#include "kb/markdown.h"
#include "search/query.h"
#include "store/kb.h"
#include "users/user.h"

/* The most HTML a rendered body may come to: Markdown at FL_KB_BODY_MAX
 * grows by its tags, a few times over at worst (a list of one-letter items). */
#define HTML_MAX (8u * FL_KB_BODY_MAX)

const char *const fl_kb_locales[FL_KB_NLOCALES] = {"uk", "ru", "lt", "en"};

int fl_kb_locale(const char *z)
{
	for (int i = 0; z && i < FL_KB_NLOCALES; i++)
		if (!strcmp(z, fl_kb_locales[i]))
			return i;
	return -1;
}

const char *fl_kb_locale_name(const char *z)
{
	int i = fl_kb_locale(z);
	return i < 0 ? NULL : fl_kb_locales[i];
}

int fl_kb_locale_check(const char *z, const char *field, struct fl_err *e)
{
	if (fl_kb_locale(z) < 0)
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
				  "Locale: '%.16s' is not one we serve (uk, ru, lt, en)",
				  z ? z : "");
	return 0;
}

static const char *const visibility_names[FL_KB_VISIBILITY__MAX] = {"public", "signed_in",
								    "agents"};

int fl_kb_visibility_parse(const char *z)
{
	for (int i = 0; z && i < FL_KB_VISIBILITY__MAX; i++)
		if (!strcmp(z, visibility_names[i]))
			return i;
	return -1;
}

const char *fl_kb_visibility_name(int v)
{
	return v >= 0 && v < FL_KB_VISIBILITY__MAX ? visibility_names[v] : NULL;
}

int fl_kb_reader_level(const struct fl_actor *actor)
{
	if (!actor || actor->role == FL_ROLE_ANONYMOUS || actor->id <= 0)
		return FL_KB_PUBLIC;
	return actor->role >= FL_ROLE_AGENT ? FL_KB_AGENTS : FL_KB_SIGNED_IN;
}

int fl_kb_visible(int level, const struct fl_kb_article *a, const struct fl_kb_translation *t)
{
	if (level >= FL_KB_AGENTS)
		return 1;
	return a->visibility <= level && !a->archived_at && (!t || !t->draft);
}

char *fl_kb_slugify(const char *title, fl_arena *a)
{
	fl_buf b;
	const char *p = title ? title : "";
	int dash = 0;
	char *s;

	fl_buf_init(&b, FL_KB_SLUG_MAX + 8);
	while (*p) {
		gunichar c = g_utf8_get_char_validated(p, -1);
		char u[8];
		int len;

		if (c == (gunichar)-1 || c == (gunichar)-2) {
			p++; /* a byte that is not UTF-8: a separator */
			dash = b.n > 0;
			continue;
		}
		p = g_utf8_next_char(p);
		if (!g_unichar_isalnum(c)) {
			dash = b.n > 0;
			continue;
		}
		len = g_unichar_to_utf8(g_unichar_tolower(c), u);
		if (b.n + (size_t)dash + (size_t)len > FL_KB_SLUG_MAX)
			break;
		if (dash && fl_buf_addc(&b, '-'))
			break;
		dash = 0;
		if (fl_buf_add(&b, u, (size_t)len))
			break;
	}
	s = fl_arena_strdup(a, b.n ? b.p : "article");
	fl_buf_free(&b);
	return s;
}

const char *fl_kb_slug(const struct fl_kb_translation *t, fl_arena *a)
{
	return t->slug && *t->slug ? t->slug : fl_kb_slugify(t->title, a);
}

int fl_kb_slug_check(const char *slug, struct fl_err *e)
{
	size_t n = slug ? strlen(slug) : 0;
	const char *p = slug;
	int prev_dash = 1;

	if (!n || n > FL_KB_SLUG_MAX || !g_utf8_validate(slug, (gssize)n, NULL))
		goto bad;
	while (*p) {
		gunichar c = g_utf8_get_char(p);
		if (c == '-') {
			if (prev_dash)
				goto bad;
			prev_dash = 1;
		} else if (g_unichar_isalnum(c) && g_unichar_tolower(c) == c) {
			prev_dash = 0;
		} else {
			goto bad;
		}
		p = g_utf8_next_char(p);
	}
	if (prev_dash)
		goto bad;
	return 0;
bad:
	return fl_err_set(e, FL_EINVAL, "slug", "InvalidValue",
			  "Slug: lower-case letters and digits joined by single dashes, at most "
			  "%d bytes",
			  FL_KB_SLUG_MAX);
}

int fl_kb_labels_split(const char *labels, fl_arena *a, char ***out, size_t *n)
{
	const char *p = labels ? labels : "";
	size_t k = 0;

	*out = fl_arena_alloc(a, (FL_KB_LABELS_MAX + 1) * sizeof **out);
	if (!*out)
		return FL_ENOMEM;
	while (*p && k < FL_KB_LABELS_MAX) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len && !((*out)[k++] = fl_arena_strndup(a, p, len)))
			return FL_ENOMEM;
		p += len + (comma ? 1 : 0);
	}
	*n = k;
	return 0;
}

/* 1 when z holds a character below U+0020 (a control character) or DEL. */
static int has_control(const char *z)
{
	for (; *z; z++)
		if ((unsigned char)*z < 0x20 || *z == 0x7f)
			return 1;
	return 0;
}

int fl_kb_labels_join(const char *const *names, size_t n, fl_arena *a, char **out, struct fl_err *e)
{
	fl_buf b;
	size_t kept = 0;
	int rc = 0;

	if (n > FL_KB_LABELS_MAX)
		return fl_err_set(e, FL_EINVAL, "label_names", "TooLong",
				  "Labels: at most %d on an article", FL_KB_LABELS_MAX);
	fl_buf_init(&b, 0);
	for (size_t i = 0; !rc && i < n; i++) {
		const char *z = names[i] ? names[i] : "";
		size_t len;
		int dup = 0;
		char *t;

		while (*z == ' ')
			z++;
		len = strlen(z);
		while (len && z[len - 1] == ' ')
			len--;
		if (!len || fl_utf8_len(z, len) > FL_KB_LABEL_MAX || memchr(z, ',', len) ||
		    !fl_utf8_valid(z, len)) {
			rc = fl_err_set(e, FL_EINVAL, "label_names", "InvalidValue",
					"Labels: each 1 to %d characters, without commas",
					FL_KB_LABEL_MAX);
			break;
		}
		t = fl_arena_strndup(a, z, len);
		if (!t) {
			rc = FL_ENOMEM;
			break;
		}
		if (has_control(t)) {
			rc = fl_err_set(e, FL_EINVAL, "label_names", "InvalidValue",
					"Labels: no control characters");
			break;
		}
		/* a name already there (whole, between commas) */
		for (const char *p = b.p; p && *p && !dup;) {
			const char *comma = strchr(p, ',');
			size_t l = comma ? (size_t)(comma - p) : strlen(p);
			dup = l == len && !memcmp(p, t, len);
			p += l + (comma ? 1 : 0);
		}
		if (dup)
			continue;
		if ((kept++ && fl_buf_addc(&b, ',')) || fl_buf_add(&b, t, len))
			rc = FL_ENOMEM;
	}
	if (!rc && !(*out = fl_arena_strdup(a, b.p ? b.p : "")))
		rc = FL_ENOMEM;
	fl_buf_free(&b);
	return rc;
}

/* 0 when z is 1..max characters of UTF-8 without control characters
 * (multiline allows line breaks and tabs); else FL_EINVAL naming field. */
static int text_check(const char *z, size_t max, int blank_ok, int multiline, const char *field,
		      const char *label, struct fl_err *e)
{
	size_t n = z ? strlen(z) : 0;

	if (!n && !blank_ok)
		return fl_err_set(e, FL_EINVAL, field, "Blank", "%s: cannot be blank", label);
	if (n && !fl_utf8_valid(z, n))
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue", "%s: must be UTF-8", label);
	if (fl_utf8_len(z ? z : "", n) > max)
		return fl_err_set(e, FL_EINVAL, field, "TooLong", "%s: at most %zu characters",
				  label, max);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)z[i];
		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) ||
		    c == 0x7f)
			return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
					  "%s: no control characters", label);
	}
	return 0;
}

int fl_kb_name_check(const struct fl_kb_name *n, const char *field_name, struct fl_err *e)
{
	int rc = fl_kb_locale_check(n->locale, "locale", e);

	if (!rc)
		rc = text_check(n->name, FL_KB_TITLE_MAX, 0, 0, field_name ? field_name : "name",
				"Name", e);
	if (!rc)
		rc = text_check(n->description, FL_KB_DESCRIPTION_MAX, 1, 1,
				field_name && !strcmp(field_name, "title") ? "body" : "description",
				"Description", e);
	return rc;
}

int fl_kb_article_check(const struct fl_kb_article *a, struct fl_err *e)
{
	if (a->position < 0 || a->position > FL_KB_POSITION_MAX)
		return fl_err_set(e, FL_EINVAL, "position", "InvalidValue", "Position: 0 to %d",
				  FL_KB_POSITION_MAX);
	if (!fl_kb_visibility_name(a->visibility))
		return fl_err_set(e, FL_EINVAL, "visibility", "InvalidValue",
				  "Visibility: public, signed_in or agents");
	if (a->promoted != 0 && a->promoted != 1)
		return fl_err_set(e, FL_EINVAL, "promoted", "InvalidValue",
				  "Promoted: true or false");
	return fl_kb_locale_check(a->source_locale, "locale", e);
}

int fl_kb_translation_check(const struct fl_kb_translation *t, struct fl_err *e)
{
	const char *body = t->body_md ? t->body_md : t->body_html;
	const char *field = t->body_md ? "body_markdown" : "body";
	int rc = fl_kb_locale_check(t->locale, "locale", e);

	if (!rc)
		rc = text_check(t->title, FL_KB_TITLE_MAX, 0, 0, "title", "Title", e);
	if (rc)
		return rc;
	if (!body)
		return fl_err_set(e, FL_EINVAL, "body", "Blank",
				  "Body: give body (HTML) or body_markdown");
	if (strlen(body) > FL_KB_BODY_MAX)
		return fl_err_set(e, FL_EINVAL, field, "TooLong", "Body: at most %d KiB",
				  FL_KB_BODY_MAX / 1024);
	if (!fl_utf8_valid(body, strlen(body)))
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue", "Body: must be UTF-8");
	if (t->slug && (rc = fl_kb_slug_check(t->slug, e)))
		return rc;
	return 0;
}

int fl_kb_render(struct fl_kb_translation *t, fl_arena *a, struct fl_err *e)
{
	const char *html = t->body_html;
	char *md_html = NULL;
	int rc;

	if (t->body_md) {
		rc = fl_markdown_html(t->body_md, strlen(t->body_md), HTML_MAX, a, &md_html);
		if (rc == FL_ETOOBIG || rc == FL_EINVAL)
			return fl_err_set(e, FL_EINVAL, "body_markdown", "InvalidValue",
					  "Body: this Markdown cannot be shown (too large once "
					  "rendered)");
		if (rc)
			return rc;
		html = md_html;
	}
	t->body_html = fl_html_sanitize_as(html ? html : "", FL_HTML_ARTICLE, a);
	if (!t->body_html)
		return fl_err_set(e, FL_EINVAL, t->body_md ? "body_markdown" : "body", "TooLong",
				  "Body: too large to show once rendered");
	return 0;
}

/* The lines of z (without their newlines) into an array in a. */
static int lines_of(const char *z, fl_arena *a, char ***out, size_t *n)
{
	size_t cap = 1, k = 0;
	const char *p = z ? z : "";

	for (const char *q = p; *q; q++)
		cap += *q == '\n';
	*out = fl_arena_alloc(a, cap * sizeof **out);
	if (!*out)
		return FL_ENOMEM;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		size_t l = len && p[len - 1] == '\r' ? len - 1 : len;
		if (!((*out)[k++] = fl_arena_strndup(a, p, l)))
			return FL_ENOMEM;
		p += len + (nl ? 1 : 0);
	}
	*n = k;
	return 0;
}

#define DIFF_CELLS 1000000u

int fl_kb_diff(const char *from, const char *to, fl_arena *a, struct fl_kb_diff_line **out,
	       size_t *n)
{
	char **x, **y;
	size_t nx, ny, head = 0, tail = 0, k = 0, mx, my;
	struct fl_kb_diff_line *d;
	int rc = lines_of(from, a, &x, &nx);

	if (!rc)
		rc = lines_of(to, a, &y, &ny);
	if (rc)
		return rc;
	while (head < nx && head < ny && !strcmp(x[head], y[head]))
		head++;
	while (tail < nx - head && tail < ny - head && !strcmp(x[nx - 1 - tail], y[ny - 1 - tail]))
		tail++;
	mx = nx - head - tail;
	my = ny - head - tail;
	d = fl_arena_alloc(a, (nx + ny + 1) * sizeof *d);
	if (!d)
		return FL_ENOMEM;
	for (size_t i = 0; i < head; i++)
		d[k++] = (struct fl_kb_diff_line){' ', x[i]};
	if (mx && my && mx <= DIFF_CELLS / my) {
		/* the longest common subsequence of the middles: L[i][j] for
		 * the suffixes x[head+i..], y[head+j..] */
		uint32_t *L = calloc((mx + 1) * (my + 1), sizeof *L);
		size_t i = 0, j = 0;
#define AT(i, j) L[(i) * (my + 1) + (j)]
		if (!L)
			return FL_ENOMEM;
		for (size_t ii = mx; ii-- > 0;)
			for (size_t jj = my; jj-- > 0;)
				AT(ii, jj) = !strcmp(x[head + ii], y[head + jj])
						     ? AT(ii + 1, jj + 1) + 1
						     : (AT(ii + 1, jj) >= AT(ii, jj + 1)
								? AT(ii + 1, jj)
								: AT(ii, jj + 1));
		while (i < mx && j < my) {
			if (!strcmp(x[head + i], y[head + j])) {
				d[k++] = (struct fl_kb_diff_line){' ', x[head + i]};
				i++;
				j++;
			} else if (AT(i + 1, j) >= AT(i, j + 1)) {
				d[k++] = (struct fl_kb_diff_line){'-', x[head + i++]};
			} else {
				d[k++] = (struct fl_kb_diff_line){'+', y[head + j++]};
			}
		}
#undef AT
		free(L);
		while (i < mx)
			d[k++] = (struct fl_kb_diff_line){'-', x[head + i++]};
		while (j < my)
			d[k++] = (struct fl_kb_diff_line){'+', y[head + j++]};
	} else {
		for (size_t i = 0; i < mx; i++)
			d[k++] = (struct fl_kb_diff_line){'-', x[head + i]};
		for (size_t j = 0; j < my; j++)
			d[k++] = (struct fl_kb_diff_line){'+', y[head + j]};
	}
	for (size_t i = nx - tail; i < nx; i++)
		d[k++] = (struct fl_kb_diff_line){' ', x[i]};
	*out = d;
	*n = k;
	return 0;
}

/* The slug of t is another translation's in its locale: 422 naming
 * "slug". */
static int slug_free(struct fl_tx *tx, const struct fl_kb_translation *t, struct fl_err *e)
{
	int64_t owner;
	int rc;

	if (!t->slug)
		return 0;
	rc = fl_store_kb_slug_owner(tx, t->locale, t->slug, &owner);
	if (rc == FL_ENOTFOUND || (!rc && owner == t->id))
		return 0;
	if (rc)
		return rc;
	return fl_err_set(e, FL_EINVAL, "slug", "DuplicateValue",
			  "Slug: '%.64s' is another article's in this language", t->slug);
}

int fl_kb_translation_save(struct fl_tx *tx, const struct fl_actor *actor,
			   struct fl_kb_translation *t, int creating, fl_arena *a, struct fl_err *e)
{
	struct fl_kb_article art;
	struct fl_kb_translation old;
	struct fl_kb_revision rev;
	int64_t now = fl_now();
	const char *source;
	int rc;

	if ((rc = fl_kb_translation_check(t, e)))
		return rc;
	/* the revision keeps what was written: the Markdown, or the HTML as
	 * given (fl_kb_render replaces body_html with the sanitized one) */
	source = t->body_md ? t->body_md : t->body_html;
	t->locale = (char *)fl_kb_locale_name(t->locale);
	if ((rc = fl_store_kb_article_get(tx, t->article_id, a, &art)))
		return rc;
	rc = fl_store_kb_translation_get(tx, t->article_id, t->locale, a, &old);
	if (rc && rc != FL_ENOTFOUND)
		return rc;
	if (creating && !rc)
		return fl_err_set(e, FL_EINVAL, "locale", "DuplicateValue",
				  "Locale: this article has a %s translation already; change it "
				  "instead",
				  t->locale);
	if (!creating && rc)
		return rc;
	t->id = creating ? 0 : old.id;
	if ((rc = slug_free(tx, t, e)) || (rc = fl_kb_render(t, a, e)))
		return rc;
	t->editor_id = actor->id;
	t->updated_at = t->edited_at = now;
	if (creating) {
		t->author_id = actor->id;
		t->created_at = now;
		t->revision = 1;
		rc = fl_store_kb_translation_insert(tx, t);
	} else {
		t->author_id = old.author_id;
		t->created_at = old.created_at;
		t->revision = old.revision + 1;
		rc = fl_store_kb_translation_update(tx, t);
	}
	if (rc == FL_ECONFLICT) /* a slug another save took meanwhile */
		return fl_err_set(e, FL_EINVAL, "slug", "DuplicateValue",
				  "Slug: another article's in this language");
	if (rc)
		return rc;
	rev = (struct fl_kb_revision){
		t->id,     t->revision, (char *)t->title, (char *)source, t->body_md != NULL,
		actor->id, now};
	if ((rc = fl_store_kb_revision_insert(tx, &rev)) || (rc = fl_store_kb_index(tx, t)))
		return rc;
	art.updated_at = now;
	rc = fl_store_kb_article_update(tx, &art);
	if (!rc)
		rc = fl_store_kb_translation_get(tx, t->article_id, t->locale, a, t);
	return rc;
}

int fl_kb_article_create(struct fl_tx *tx, const struct fl_actor *actor, struct fl_kb_article *art,
			 struct fl_kb_translation *t, fl_arena *a, struct fl_err *e)
{
	struct fl_kb_section s;
	int rc;

	t->locale = art->source_locale;
	if ((rc = fl_kb_article_check(art, e)) || (rc = fl_kb_translation_check(t, e)))
		return rc;
	art->source_locale = (char *)fl_kb_locale_name(art->source_locale);
	rc = fl_store_kb_section_get(tx, art->section_id, a, &s);
	if (rc == FL_ENOTFOUND)
		return fl_err_set(e, FL_EINVAL, "section_id", "InvalidValue",
				  "Section: there is no section %lld", (long long)art->section_id);
	if (rc)
		return rc;
	art->author_id = actor->id;
	art->archived_at = 0;
	art->created_at = art->updated_at = fl_now();
	if ((rc = fl_store_kb_article_insert(tx, art)))
		return rc;
	t->article_id = art->id;
	t->locale = art->source_locale;
	return fl_kb_translation_save(tx, actor, t, 1, a, e);
}

int fl_kb_revision_restore(struct fl_tx *tx, const struct fl_actor *actor, int64_t article_id,
			   const char *locale, int n, fl_arena *a, struct fl_kb_translation *t,
			   struct fl_err *e)
{
	struct fl_kb_translation cur;
	struct fl_kb_revision r;
	int rc = fl_store_kb_translation_get(tx, article_id, locale, a, &cur);

	if (!rc)
		rc = fl_store_kb_revision_get(tx, cur.id, n, a, &r);
	if (rc)
		return rc;
	*t = cur;
	t->title = r.title;
	t->body_md = r.markdown ? r.body : NULL;
	t->body_html = r.markdown ? NULL : r.body;
	return fl_kb_translation_save(tx, actor, t, 0, a, e);
}

int fl_kb_vote(struct fl_tx *tx, int64_t article_id, const char *locale, const char *voter,
	       int value, struct fl_err *e)
{
	int rc;

	if ((rc = fl_kb_locale_check(locale, "locale", e)))
		return rc;
	if (!voter || !*voter || strlen(voter) > 130 || !fl_utf8_valid(voter, strlen(voter)))
		return fl_err_set(e, FL_EINVAL, "voter", "InvalidValue",
				  "Voter: a key of 1 to 128 bytes");
	if (value != 1 && value != -1)
		return fl_err_set(e, FL_EINVAL, "value", "InvalidValue", "Vote: up or down");
	return fl_store_kb_vote_put(tx, article_id, fl_kb_locale_name(locale), voter, value,
				    fl_now());
}

int fl_kb_voter_key_ok(const char *key)
{
	return key && strlen(key) == FL_KB_VOTER_KEY_LEN &&
	       strspn(key, "0123456789abcdef") == FL_KB_VOTER_KEY_LEN;
}

static struct fl_limiter vote_limit = FL_LIMITER(8, 60);
static struct fl_limiter search_log_limit = FL_LIMITER(8, 20);
static struct fl_limiter click_limit = FL_LIMITER(8, 60);

static int limit_take(struct fl_limiter *l, const char *addr, int64_t *retry_after)
{
	char key[48];
	fl_limit_address_key(addr ? addr : "", key);
	return fl_limiter_take(l, key, fl_now(), retry_after);
}

int fl_kb_limit_vote(const char *addr, int64_t *retry_after)
{
	return limit_take(&vote_limit, addr, retry_after);
}

int fl_kb_limit_search_log(const char *addr, int64_t *retry_after)
{
	return limit_take(&search_log_limit, addr, retry_after);
}

int fl_kb_limit_click(const char *addr, int64_t *retry_after)
{
	return limit_take(&click_limit, addr, retry_after);
}

/* ---- search ---- */

int fl_kb_edit_distance(const char *x, const char *y, int max)
{
	gunichar a[FL_TEXT_TERM_MAX + 1], b[FL_TEXT_TERM_MAX + 1];
	int row[FL_TEXT_TERM_MAX + 2], na = 0, nb = 0;

	for (const char *p = x; *p && na < FL_TEXT_TERM_MAX; p = g_utf8_next_char(p))
		a[na++] = g_utf8_get_char(p);
	for (const char *p = y; *p && nb < FL_TEXT_TERM_MAX; p = g_utf8_next_char(p))
		b[nb++] = g_utf8_get_char(p);
	if (na - nb > max || nb - na > max)
		return max + 1;
	for (int j = 0; j <= nb; j++)
		row[j] = j;
	for (int i = 1; i <= na; i++) {
		int diag = row[0], best;
		row[0] = best = i;
		for (int j = 1; j <= nb; j++) {
			int up = row[j];
			int v = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
	}
	return row[nb] > max ? max + 1 : row[nb];
}

/* The snippet of hit's text as HTML: escaped, hits in <em>. */
static char *snippet_html(const char *text, const struct fl_filter *f, fl_arena *a)
{
	fl_buf raw, html;
	char *out = NULL;
	int rc;

	fl_buf_init(&raw, 64 * 1024);
	fl_buf_init(&html, 256 * 1024);
	rc = fl_text_snippet(text ? text : "", text ? strlen(text) : 0, f->text, f->text_prefix,
			     f->ntext, 24, &raw);
	for (const char *p = raw.p; !rc && p && *p;) {
		size_t k = strcspn(p, "\x01\x02");
		rc = fl_buf_add_html(&html, p, k);
		p += k;
		if (!rc && *p)
			rc = fl_buf_adds(&html, *p == '\x01' ? "<em>" : "</em>");
		if (*p)
			p++;
	}
	if (!rc)
		out = fl_arena_strdup(a, html.p ? html.p : "");
	fl_buf_free(&raw);
	fl_buf_free(&html);
	return out;
}

static int run_search(struct fl_tx *tx, const struct fl_kb_search_in *s, const struct fl_filter *f,
		      int any, fl_arena *a, struct fl_kb_search_out *out)
{
	struct fl_kb_search_q q = {
		.locale = s->locale,
		.level = s->level,
		.section_id = s->section_id,
		.category_id = s->category_id,
		.label = s->label,
		.words = f->text,
		.prefix = f->text_prefix,
		.nwords = f->ntext,
		.not_words = f->not_text,
		.not_prefix = f->not_text_prefix,
		.nnot = f->nnot_text,
		.any = any,
		.offset = (s->page - 1) * s->per_page,
		.limit = s->per_page,
	};
	struct fl_kb_hit *hits;
	size_t n;
	int rc = fl_store_kb_search(tx, &q, a, &hits, &n, &out->count);

	if (rc)
		return rc;
	out->results = fl_arena_alloc(a, (n + 1) * sizeof *out->results);
	if (!out->results)
		return FL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		out->results[i].e = hits[i].e;
		if (!(out->results[i].snippet = snippet_html(hits[i].text, f, a)))
			return FL_ENOMEM;
	}
	out->n = n;
	out->has_more = (int64_t)(q.offset + n) < out->count;
	out->matched_any = any && f->ntext > 1;
	return 0;
}

/* A plain word of the query (no phrase, no prefix) of 3 letters or more
 * that the vocabulary lacks, replaced by its closest word there; 1 when
 * it was. The candidates are read a length at a time (the word's own
 * first, where it is found when the vocabulary has it), each length
 * FL_KB_TYPO_NEAR words either side of the word and of its tail
 * (fl_store_kb_vocabulary): at most FL_KB_TYPO_ROWS read and compared,
 * however large the vocabulary. Ties go to the first in byte order, so
 * that the answer does not hang on the order rows come in. */
static int correct_word(struct fl_tx *tx, const struct fl_kb_search_in *s, const char *word,
			fl_arena *a, const char **out)
{
	static const int step[] = {0, -1, 1, -2, 2};
	char folded[FL_TEXT_TERM_MAX + 1];
	size_t len = fl_text_fold(word, strlen(word), folded);
	long chars = g_utf8_strlen(folded, (gssize)len);
	int max = chars >= 6 ? 2 : 1, best = max + 1;
	const char *pick = NULL;

	if (chars < 3 || strchr(word, ' '))
		return 0;
	for (size_t k = 0; k < sizeof step / sizeof *step; k++) {
		int at = (int)chars + step[k];
		char **vocab;
		size_t n;
		if (step[k] > max || -step[k] > max || at < 3)
			continue;
		if (fl_store_kb_vocabulary(tx, s->locale, s->level, folded, at, FL_KB_TYPO_NEAR, a,
					   &vocab, &n))
			return 0;
		for (size_t i = 0; i < n; i++) {
			int d;
			if (!strcmp(vocab[i], folded))
				return 0; /* a word we have: not a typo */
			d = fl_kb_edit_distance(folded, vocab[i], max);
			if (d < best || (d == best && pick && strcmp(vocab[i], pick) < 0)) {
				best = d;
				pick = vocab[i];
			}
		}
	}
	if (!pick || best > max)
		return 0;
	*out = pick;
	return 1;
}

/* The last reading of a query all of whose words found nothing: articles
 * with any of them (fl_kb_search's contract). */
static int any_of(struct fl_tx *tx, const struct fl_kb_search_in *s, const struct fl_filter *f,
		  fl_arena *a, struct fl_kb_search_out *out)
{
	if (s->any || f->ntext < 2)
		return 0;
	return run_search(tx, s, f, 1, a, out);
}

int fl_kb_search(struct fl_tx *tx, const struct fl_kb_search_in *s, fl_arena *a,
		 struct fl_kb_search_out *out, struct fl_err *e)
{
	struct fl_filter f;
	int rc, changed = 0;

	memset(out, 0, sizeof *out);
	if ((rc = fl_kb_locale_check(s->locale, "locale", e)))
		return rc;
	/* a query the parser refuses is a 422 naming it: the parser's field,
	 * reason and message kept, only the code changed (copying e's buffers
	 * onto themselves through fl_err_set would be undefined) */
	if ((rc = fl_query_parse_words(fl_str_c(s->query ? s->query : ""), "the knowledge base", a,
				       &f, e))) {
		if (rc != FL_EMALFORMED)
			return rc;
		if (e)
			e->code = FL_EINVAL;
		return FL_EINVAL;
	}
	if ((rc = run_search(tx, s, &f, s->any, a, out)) || out->count || !f.ntext)
		return rc;
	/* nothing matched: correct the typos a short query may have */
	for (size_t i = 0; i < f.ntext && f.ntext <= FL_KB_TYPO_WORDS; i++) {
		const char *fix;
		if (!f.text_prefix[i] && correct_word(tx, s, f.text[i], a, &fix)) {
			f.text[i] = fix;
			changed = 1;
		}
	}
	if (!changed)
		return any_of(tx, s, &f, a, out);
	{
		fl_buf b;
		fl_buf_init(&b, 8192);
		for (size_t i = 0; i < f.ntext; i++)
			fl_buf_addf(&b, strchr(f.text[i], ' ') ? "%s\"%s\"%s" : "%s%s%s",
				    i ? " " : "", f.text[i], f.text_prefix[i] ? "*" : "");
		for (size_t i = 0; i < f.nnot_text; i++)
			fl_buf_addf(&b, strchr(f.not_text[i], ' ') ? " -\"%s\"%s" : " -%s%s",
				    f.not_text[i], f.not_text_prefix[i] ? "*" : "");
		out->corrected_query = fl_arena_strdup(a, b.p ? b.p : "");
		fl_buf_free(&b);
		if (!out->corrected_query)
			return FL_ENOMEM;
	}
	if ((rc = run_search(tx, s, &f, s->any, a, out)) || out->count)
		return rc;
	return any_of(tx, s, &f, a, out);
}

/* The key searches are counted by: query's words folded, one space
 * between, into key. */
static int query_key(const char *query, fl_buf *key)
{
	char w[FL_TEXT_TERM_MAX + 1];
	const char *p = query ? query : "";
	int rc = 0;

	while (*p && !rc) {
		size_t k = strcspn(p, " \t\r\n\"*");
		if (k) {
			size_t n = fl_text_fold(p, k, w);
			if (n)
				rc = key->n ? fl_buf_addc(key, ' ') : 0;
			if (!rc && n)
				rc = fl_buf_add(key, w, n);
		}
		p += k;
		if (*p)
			p++;
	}
	return rc;
}

int fl_kb_search_record(struct fl_tx *tx, const char *query, const char *locale, int64_t results,
			const char *source, int64_t *id, char token[FL_KB_SEARCH_TOKEN_LEN + 1])
{
	char tok[FL_KB_SEARCH_TOKEN_LEN + 1];
	fl_buf key;
	int rc;

	fl_random_hex(tok, FL_KB_SEARCH_TOKEN_LEN);
	tok[FL_KB_SEARCH_TOKEN_LEN] = 0;
	fl_buf_init(&key, 4096);
	rc = query_key(query, &key);
	if (!rc)
		rc = fl_store_kb_search_log(tx, query ? query : "", key.p ? key.p : "", locale,
					    results, source, tok, fl_now(), id);
	fl_buf_free(&key);
	if (!rc && token)
		memcpy(token, tok, sizeof tok);
	return rc;
}

int fl_kb_search_click_query(struct fl_tx *tx, const char *query, const char *locale,
			     int64_t article_id)
{
	fl_buf key;
	int rc;

	fl_buf_init(&key, 4096);
	rc = query_key(query, &key);
	if (!rc && key.n)
		rc = fl_store_kb_search_click_key(tx, key.p, locale, article_id,
						  fl_now() - FL_KB_CLICK_WINDOW);
	fl_buf_free(&key);
	return rc;
}

int fl_kb_search_click(struct fl_tx *tx, int64_t id, const char *token, int64_t article_id,
		       int level, struct fl_err *e)
{
	fl_arena a;
	struct fl_kb_article art;
	struct fl_kb_translation tr;
	char *locale;
	int rc;

	if (!token || strlen(token) != FL_KB_SEARCH_TOKEN_LEN)
		return FL_ENOTFOUND;
	fl_arena_init(&a, 0);
	rc = fl_store_kb_search_open(tx, id, token, fl_now() - FL_KB_CLICK_WINDOW, &a, &locale);
	if (!rc) {
		rc = fl_store_kb_article_get(tx, article_id, &a, &art);
		if (!rc)
			rc = fl_store_kb_translation_get(tx, article_id, locale, &a, &tr);
		if (rc == FL_ENOTFOUND || (!rc && !fl_kb_visible(level, &art, &tr)))
			rc = fl_err_set(e, FL_EINVAL, "article_id", "InvalidValue",
					"Article: one of the search's results");
	}
	if (!rc)
		rc = fl_store_kb_search_click(tx, id, article_id);
	fl_arena_free(&a);
	return rc;
}

int fl_kb_search_purge_job(struct fl_tx *tx, const struct fl_job *job, struct fl_err *e)
{
	int rc = fl_store_kb_search_purge(tx, fl_now() - FL_KB_SEARCH_KEEP);
	(void)job;
	return rc ? fl_err_set(e, rc, NULL, NULL, "purging old searches failed") : 0;
}
