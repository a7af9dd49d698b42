/* Live chat's pure rules (chat/chat.h): names, checks, the settings and
 * the report's arithmetic. The transactions are in chat_tx.c. */

#include "chat/chat.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/input.h"

static const char *const state_names[FL_CHAT_STATE__MAX] = {"queued", "active", "ended", "missed",
							    "offline"};
static const char *const author_names[FL_CHAT_AUTHOR__MAX] = {"visitor", "agent", "system"};
static const char *const prechat_names[] = {"off", "optional", "required"};
static const char *const by_names[FL_CHAT_BY__MAX] = {"agent", "group", "day"};

static int lookup(const char *const *names, int n, const char *z)
{
	for (int i = 0; z && i < n; i++)
		if (!strcmp(names[i], z))
			return i;
	return -1;
}

const char *fl_chat_state_name(int state)
{
	return state >= 0 && state < FL_CHAT_STATE__MAX ? state_names[state] : NULL;
}

int fl_chat_state_parse(const char *z)
{
	return lookup(state_names, FL_CHAT_STATE__MAX, z);
}

int fl_chat_state_live(int state)
{
	return state == FL_CHAT_QUEUED || state == FL_CHAT_ACTIVE;
}

const char *fl_chat_author_name(int author)
{
	return author >= 0 && author < FL_CHAT_AUTHOR__MAX ? author_names[author] : NULL;
}

int fl_chat_author_parse(const char *z)
{
	return lookup(author_names, FL_CHAT_AUTHOR__MAX, z);
}

const char *fl_chat_prechat_name(int v)
{
	return v >= 0 && v <= FL_CHAT_FIELD_REQUIRED ? prechat_names[v] : NULL;
}

int fl_chat_prechat_parse(const char *z)
{
	return lookup(prechat_names, FL_CHAT_FIELD_REQUIRED + 1, z);
}

const char *fl_chat_by_name(int by)
{
	return by >= 0 && by < FL_CHAT_BY__MAX ? by_names[by] : NULL;
}

int fl_chat_by_parse(const char *z)
{
	return lookup(by_names, FL_CHAT_BY__MAX, z);
}

const char *fl_chat_lang(const char *locale)
{
	static const char *const langs[] = {"uk", "ru", "lt", "en"};

	for (size_t i = 0; locale && i < sizeof langs / sizeof *langs; i++)
		if (!strncmp(locale, langs[i], 2) &&
		    (locale[2] == 0 || locale[2] == '-' || locale[2] == '_'))
			return langs[i];
	return "en";
}

/* ---- text ---- */

/* Whether UTF-8 text p (n bytes, valid) holds a control character:
 * C0 but tab and line breaks (with multiline), DEL, C1, or a
 * bidirectional override that would turn the text around it. */
static int has_control(const char *p, size_t n, int multiline)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t')))
			return 1;
		if (c == 0x7f)
			return 1;
		/* C1 controls are U+0080..U+009F: 0xC2 0x80..0x9F */
		if (c == 0xc2 && i + 1 < n && (unsigned char)p[i + 1] < 0xa0)
			return 1;
		if (fl_utf8_bidi_control(p + i, n - i))
			return 1;
	}
	return 0;
}

static int blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", p[i]))
			return 0;
	return 1;
}

/* Checks text z: valid UTF-8 without controls, at most max characters.
 * FL_EINVAL naming field. */
static int text_check(const char *z, size_t max, int multiline, const char *field, struct fl_err *e)
{
	size_t n = z ? strlen(z) : 0;

	if (!fl_utf8_valid(z ? z : "", n))
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
				  "%s: is not valid UTF-8 text", field);
	if (has_control(z, n, multiline))
		return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
				  "%s: must not hold control characters", field);
	if (fl_utf8_len(z, n) > max)
		return fl_err_set(e, FL_EINVAL, field, "TooLong",
				  "%s: is too long (at most %zu characters)", field, max);
	return 0;
}

int fl_chat_body_check(const char *body, int empty_ok, const char *field, struct fl_err *e)
{
	int rc = text_check(body ? body : "", FL_CHAT_BODY_MAX, 1, field, e);

	if (rc)
		return rc;
	if (!empty_ok && blank(body ? body : "", body ? strlen(body) : 0))
		return fl_err_set(e, FL_EINVAL, field, "Blank", "%s: cannot be blank", field);
	return 0;
}

int fl_chat_client_id_check(const char *id, struct fl_err *e)
{
	size_t n = id ? strlen(id) : 0;

	if (!n)
		return fl_err_set(e, FL_EINVAL, "client_id", "Blank", "client_id: cannot be blank");
	if (n > FL_CHAT_CLIENT_ID_MAX)
		return fl_err_set(e, FL_EINVAL, "client_id", "TooLong",
				  "client_id: is too long (at most %d characters)",
				  FL_CHAT_CLIENT_ID_MAX);
	if (strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") != n)
		return fl_err_set(e, FL_EINVAL, "client_id", "InvalidValue",
				  "client_id: only letters, digits and . _ : - are allowed");
	return 0;
}

int fl_chat_name_check(const char *name, const char *field, struct fl_err *e)
{
	return name ? text_check(name, FL_CHAT_NAME_MAX, 0, field, e) : 0;
}

/* ---- settings ---- */

const char *fl_chat_words_in(const struct fl_chat_words *w, const char *lang)
{
	const char *z = NULL;

	lang = fl_chat_lang(lang);
	if (!strcmp(lang, "uk"))
		z = w->uk;
	else if (!strcmp(lang, "ru"))
		z = w->ru;
	else if (!strcmp(lang, "lt"))
		z = w->lt;
	return z && *z ? z : w->en ? w->en : "";
}

void fl_chat_settings_defaults(struct fl_chat_settings *s)
{
	memset(s, 0, sizeof *s);
	s->color = "#1f73b7";
	s->title = (struct fl_chat_words){"Чат з підтримкою", "Чат с поддержкой",
					  "Pokalbis su pagalba", "Chat with us"};
	s->greeting =
		(struct fl_chat_words){"Вітаємо! Чим можемо допомогти?",
				       "Здравствуйте! Чем можем помочь?",
				       "Sveiki! Kuo galime padėti?", "Hello! How can we help you?"};
	s->prechat_name = FL_CHAT_FIELD_OPTIONAL;
	s->prechat_email = FL_CHAT_FIELD_OPTIONAL;
	s->prechat_topic = FL_CHAT_FIELD_OFF;
	s->offer_seconds = FL_CHAT_OFFER_SECONDS;
}

static int wrong_type(struct fl_err *e, const char *field, const char *what)
{
	return fl_err_set(e, FL_EINVAL, field, "InvalidValue", "%s: must be %s", field, what);
}

/* A JSON string at key of o into *out (in a), left alone when absent. */
static int get_text(json_t *o, const char *key, const char *field, fl_arena *a, char **out,
		    struct fl_err *e)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return 0;
	if (!json_is_string(v))
		return wrong_type(e, field, "a string");
	return (*out = fl_arena_strdup(a, json_string_value(v))) ? 0 : FL_ENOMEM;
}

static int get_words(json_t *o, const char *key, const char *name, fl_arena *a,
		     struct fl_chat_words *w, struct fl_err *e)
{
	static const char *const langs[] = {"uk", "ru", "lt", "en"};
	char **slot[] = {&w->uk, &w->ru, &w->lt, &w->en};
	json_t *v = json_object_get(o, key);
	char field[64];

	if (!v)
		return 0;
	if (!json_is_object(v))
		return wrong_type(e, name, "an object of texts by language (uk, ru, lt, en)");
	/* given, it is the whole text: a language left out falls back to en */
	*w = (struct fl_chat_words){"", "", "", ""};
	for (size_t i = 0; i < 4; i++) {
		int rc;
		snprintf(field, sizeof field, "%s.%s", name, langs[i]);
		if ((rc = get_text(v, langs[i], field, a, slot[i], e)))
			return rc;
	}
	return 0;
}

static int get_int(json_t *o, const char *key, int64_t *out, struct fl_err *e)
{
	json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return wrong_type(e, key, "a whole number");
	*out = json_integer_value(v);
	return 0;
}

static int get_prechat(json_t *o, const char *key, int *out, struct fl_err *e)
{
	json_t *v = json_object_get(o, key);
	char field[64];

	snprintf(field, sizeof field, "prechat.%s", key);
	if (!v)
		return 0;
	if (!json_is_string(v) || (*out = fl_chat_prechat_parse(json_string_value(v))) < 0)
		return wrong_type(e, field, "\"required\", \"optional\" or \"off\"");
	return 0;
}

static int parse_topics(json_t *v, fl_arena *a, struct fl_chat_settings *s, struct fl_err *e)
{
	size_t i;
	json_t *t;
	char field[64];

	if (!json_is_array(v))
		return wrong_type(e, "topics", "a list");
	if (json_array_size(v) > FL_CHAT_TOPICS_MAX)
		return fl_err_set(e, FL_EINVAL, "topics", "TooLong", "topics: at most %d topics",
				  FL_CHAT_TOPICS_MAX);
	s->ntopics = 0;
	json_array_foreach(v, i, t)
	{
		struct fl_chat_topic *tp = &s->topics[s->ntopics++];
		int rc;
		memset(tp, 0, sizeof *tp);
		snprintf(field, sizeof field, "topics[%zu]", i);
		if (!json_is_object(t))
			return wrong_type(e, field, "an object with key and label");
		snprintf(field, sizeof field, "topics[%zu].key", i);
		if ((rc = get_text(t, "key", field, a, &tp->key, e)))
			return rc;
		snprintf(field, sizeof field, "topics[%zu].label", i);
		if ((rc = get_words(t, "label", field, a, &tp->label, e)))
			return rc;
		if (!json_object_get(t, "label"))
			tp->label.en = tp->key;
	}
	return 0;
}

static int parse_origins(json_t *v, fl_arena *a, struct fl_chat_settings *s, struct fl_err *e)
{
	size_t i;
	json_t *o;
	char field[64];

	if (!json_is_array(v))
		return wrong_type(e, "allowed_origins", "a list");
	if (json_array_size(v) > FL_CHAT_ORIGINS_MAX)
		return fl_err_set(e, FL_EINVAL, "allowed_origins", "TooLong",
				  "allowed_origins: at most %d origins", FL_CHAT_ORIGINS_MAX);
	s->norigins = 0;
	json_array_foreach(v, i, o)
	{
		snprintf(field, sizeof field, "allowed_origins[%zu]", i);
		if (!json_is_string(o))
			return wrong_type(e, field, "a string");
		if (!(s->origins[s->norigins++] = fl_arena_strdup(a, json_string_value(o))))
			return FL_ENOMEM;
	}
	return 0;
}

int fl_chat_settings_parse(const char *json, size_t n, fl_arena *a, struct fl_chat_settings *out,
			   struct fl_err *e)
{
	struct fl_chat_settings s;
	json_t *root = NULL, *v;
	int rc;

	if (n > FL_CHAT_SETTINGS_MAX)
		return fl_err_set(e, FL_ETOOBIG, "settings", "TooLong",
				  "settings: at most %d bytes", FL_CHAT_SETTINGS_MAX);
	if ((rc = fl_input_parse(json, n, &root, e)))
		return rc;
	fl_chat_settings_defaults(&s);
	if ((v = json_object_get(root, "enabled"))) {
		if (!json_is_boolean(v)) {
			rc = wrong_type(e, "enabled", "true or false");
			goto out;
		}
		s.enabled = json_is_true(v);
	}
	if ((rc = get_text(root, "color", "color", a, &s.color, e)) ||
	    (rc = get_words(root, "title", "title", a, &s.title, e)) ||
	    (rc = get_words(root, "greeting", "greeting", a, &s.greeting, e)) ||
	    (rc = get_int(root, "schedule_id", &s.schedule_id, e)) ||
	    (rc = get_int(root, "group_id", &s.group_id, e)) ||
	    (rc = get_int(root, "offer_seconds", &s.offer_seconds, e)))
		goto out;
	if ((v = json_object_get(root, "prechat"))) {
		if (!json_is_object(v)) {
			rc = wrong_type(e, "prechat", "an object (name, email, topic)");
			goto out;
		}
		if ((rc = get_prechat(v, "name", &s.prechat_name, e)) ||
		    (rc = get_prechat(v, "email", &s.prechat_email, e)) ||
		    (rc = get_prechat(v, "topic", &s.prechat_topic, e)))
			goto out;
	}
	if ((v = json_object_get(root, "topics")) && (rc = parse_topics(v, a, &s, e)))
		goto out;
	if ((v = json_object_get(root, "allowed_origins")) && (rc = parse_origins(v, a, &s, e)))
		goto out;
	if (!(rc = fl_chat_settings_check(&s, e)))
		*out = s;
out:
	json_decref(root);
	return rc;
}

static int words_check(const struct fl_chat_words *w, const char *key, size_t max, struct fl_err *e)
{
	const char *langs[] = {"uk", "ru", "lt", "en"};
	const char *z[] = {w->uk, w->ru, w->lt, w->en};
	char field[64 + 4]; /* key (a settings name, < 64) "." and a language */

	for (size_t i = 0; i < 4; i++) {
		int rc;
		snprintf(field, sizeof field, "%s.%s", key, langs[i]);
		if ((rc = text_check(z[i] ? z[i] : "", max, 0, field, e)))
			return rc;
	}
	return 0;
}

static int color_ok(const char *c)
{
	return c && strlen(c) == 7 && c[0] == '#' && strspn(c + 1, "0123456789abcdefABCDEF") == 6;
}

/* "http(s)://host[:port]": a host of letters, digits, dots and dashes,
 * no path, no user, no trailing slash. */
static int origin_ok(const char *o)
{
	const char *h;
	size_t n;

	if (!o || strlen(o) > FL_CHAT_ORIGIN_MAX)
		return 0;
	if (!strncmp(o, "https://", 8))
		h = o + 8;
	else if (!strncmp(o, "http://", 7))
		h = o + 7;
	else
		return 0;
	n = strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
	if (!n)
		return 0;
	if (h[n] == ':') {
		size_t d = strspn(h + n + 1, "0123456789");
		return d >= 1 && d <= 5 && !h[n + 1 + d];
	}
	return !h[n];
}

int fl_chat_settings_check(const struct fl_chat_settings *s, struct fl_err *e)
{
	char field[64];
	int rc;

	if (!color_ok(s->color))
		return fl_err_set(e, FL_EINVAL, "color", "InvalidValue",
				  "color: must be a colour as #rrggbb");
	if ((rc = words_check(&s->title, "title", FL_CHAT_LABEL_MAX, e)) ||
	    (rc = words_check(&s->greeting, "greeting", FL_CHAT_GREETING_MAX, e)))
		return rc;
	if (s->prechat_name < 0 || s->prechat_name > FL_CHAT_FIELD_REQUIRED)
		return wrong_type(e, "prechat.name", "\"required\", \"optional\" or \"off\"");
	if (s->prechat_email < 0 || s->prechat_email > FL_CHAT_FIELD_REQUIRED)
		return wrong_type(e, "prechat.email", "\"required\", \"optional\" or \"off\"");
	if (s->prechat_topic < 0 || s->prechat_topic > FL_CHAT_FIELD_REQUIRED)
		return wrong_type(e, "prechat.topic", "\"required\", \"optional\" or \"off\"");
	if (s->prechat_topic != FL_CHAT_FIELD_OFF && !s->ntopics)
		return fl_err_set(e, FL_EINVAL, "topics", "Blank",
				  "topics: the pre-chat form asks for a topic, so list some");
	for (size_t i = 0; i < s->ntopics; i++) {
		const char *k = s->topics[i].key;
		snprintf(field, sizeof field, "topics[%zu].key", i);
		if (!k || !*k || strlen(k) > FL_CHAT_TOPIC_MAX ||
		    strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(k))
			return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
					  "%s: 1 to %d of a-z, 0-9, - and _", field,
					  FL_CHAT_TOPIC_MAX);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->topics[j].key, k))
				return fl_err_set(e, FL_EINVAL, field, "DuplicateValue",
						  "%s: \"%s\" is listed twice", field, k);
		snprintf(field, sizeof field, "topics[%zu].label", i);
		if ((rc = words_check(&s->topics[i].label, field, FL_CHAT_LABEL_MAX, e)))
			return rc;
	}
	if (s->schedule_id < 0)
		return wrong_type(e, "schedule_id", "a schedule's id, or 0 for always open");
	if (s->group_id < 0)
		return wrong_type(e, "group_id", "a group's id, or 0 for none");
	if (s->offer_seconds < FL_CHAT_OFFER_MIN || s->offer_seconds > FL_CHAT_OFFER_MAX)
		return fl_err_set(e, FL_EINVAL, "offer_seconds", "InvalidValue",
				  "offer_seconds: must be %d to %d", FL_CHAT_OFFER_MIN,
				  FL_CHAT_OFFER_MAX);
	for (size_t i = 0; i < s->norigins; i++) {
		snprintf(field, sizeof field, "allowed_origins[%zu]", i);
		if (!origin_ok(s->origins[i]))
			return fl_err_set(e, FL_EINVAL, field, "InvalidValue",
					  "%s: must be an origin as https://example.com[:port]",
					  field);
	}
	return 0;
}

static json_t *words_json(const struct fl_chat_words *w)
{
	return json_pack("{s:s,s:s,s:s,s:s}", "uk", w->uk ? w->uk : "", "ru", w->ru ? w->ru : "",
			 "lt", w->lt ? w->lt : "", "en", w->en ? w->en : "");
}

int fl_chat_settings_json(const struct fl_chat_settings *s, fl_buf *out)
{
	json_t *o = json_object(), *topics = json_array(), *origins = json_array();
	char *z = NULL;
	int rc = FL_ENOMEM;

	if (!o || !topics || !origins)
		goto out;
	for (size_t i = 0; i < s->ntopics; i++)
		json_array_append_new(topics, json_pack("{s:s,s:o}", "key", s->topics[i].key,
							"label", words_json(&s->topics[i].label)));
	for (size_t i = 0; i < s->norigins; i++)
		json_array_append_new(origins, json_string(s->origins[i]));
	json_object_set_new(o, "enabled", json_boolean(s->enabled));
	json_object_set_new(o, "color", json_string(s->color ? s->color : ""));
	json_object_set_new(o, "title", words_json(&s->title));
	json_object_set_new(o, "greeting", words_json(&s->greeting));
	json_object_set_new(o, "prechat",
			    json_pack("{s:s,s:s,s:s}", "name",
				      fl_chat_prechat_name(s->prechat_name), "email",
				      fl_chat_prechat_name(s->prechat_email), "topic",
				      fl_chat_prechat_name(s->prechat_topic)));
	json_object_set(o, "topics", topics);
	json_object_set_new(o, "schedule_id", json_integer(s->schedule_id));
	json_object_set_new(o, "group_id", json_integer(s->group_id));
	json_object_set_new(o, "offer_seconds", json_integer(s->offer_seconds));
	json_object_set(o, "allowed_origins", origins);
	if (!(z = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)))
		goto out;
	rc = fl_buf_adds(out, z);
out:
	free(z);
	json_decref(o);
	json_decref(topics);
	json_decref(origins);
	return rc;
}

int fl_chat_rateable(const struct fl_chat *c)
{
	return c->state == FL_CHAT_ENDED && c->ticket_status == FL_STATUS_SOLVED;
}

/* ---- the report's arithmetic ---- */

int64_t fl_chat_percentile(const int64_t *sorted, size_t n, int q)
{
	size_t rank;

	if (!n)
		return -1;
	if (q <= 0)
		return sorted[0];
	if (q >= 100)
		return sorted[n - 1];
	/* nearest rank: ceil(q / 100 * n), 1-based */
	rank = ((size_t)q * n + 99) / 100;
	return sorted[rank ? rank - 1 : 0];
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int64_t fl_chat_peak(int64_t *starts, int64_t *ends, size_t n)
{
	size_t i = 0, j = 0;
	int64_t cur = 0, peak = 0;

	if (!n)
		return 0; /* and qsort is never given NULL */
	for (size_t k = 0; k < n; k++)
		if (!ends[k])
			ends[k] = INT64_MAX;
	qsort(starts, n, sizeof *starts, cmp_i64);
	qsort(ends, n, sizeof *ends, cmp_i64);
	/* an end at the same instant as a start frees its place first */
	while (i < n) {
		if (j < n && ends[j] <= starts[i]) {
			cur--;
			j++;
		} else {
			cur++;
			i++;
			if (cur > peak)
				peak = cur;
		}
	}
	return peak;
}
