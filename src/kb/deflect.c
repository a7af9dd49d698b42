/* Self-service before a ticket: the rules (kb/deflect.h tells them). */
#include "kb/deflect.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/random.h"
#include "core/str.h"
#include "core/text.h"
#include "kb/kb.h"
#include "search/query.h"
#include "store/deflections.h"
#include "store/kb.h"
#include "store/settings.h"

static const char *const outcomes[FL_DEFLECT_OUTCOME__MAX] = {"deflected", "submitted"};
static const char *const channels[FL_DEFLECT_CHANNEL__MAX] = {"js", "nojs"};

const char *fl_deflect_outcome_name(int outcome)
{
	return outcome >= 0 && outcome < FL_DEFLECT_OUTCOME__MAX ? outcomes[outcome] : NULL;
}

int fl_deflect_outcome_parse(const char *z)
{
	for (int i = 0; z && i < FL_DEFLECT_OUTCOME__MAX; i++)
		if (!strcmp(z, outcomes[i]))
			return i;
	return -1;
}

const char *fl_deflect_channel_name(int channel)
{
	return channel >= 0 && channel < FL_DEFLECT_CHANNEL__MAX ? channels[channel] : NULL;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Appends up to words words of z to b (n bytes used, cap its size),
 * folding white space; words < 0 for all of them. A word that does not
 * fit is cut at a character boundary (z is UTF-8) and ends the text. */
static size_t add_words(char *b, size_t n, size_t cap, const char *z, int words)
{
	while (z && *z && words) {
		const char *w;
		while (is_space((unsigned char)*z))
			z++;
		if (!*z)
			break;
		w = z;
		while (*z && !is_space((unsigned char)*z))
			z++;
		if (n && n < cap)
			b[n++] = ' ';
		if ((size_t)(z - w) > cap - n) {
			/* a word longer than what is left: its head, whole
			 * characters only, and nothing after it */
			size_t k = cap - n;
			while (k && ((unsigned char)w[k] & 0xC0) == 0x80)
				k--;
			memcpy(b + n, w, k);
			return n + k;
		}
		memcpy(b + n, w, (size_t)(z - w));
		n += (size_t)(z - w);
		if (words > 0)
			words--;
	}
	return n;
}

char *fl_deflect_query(const char *subject, const char *description, fl_arena *a)
{
	/* a query is at most FL_DEFLECT_QUERY_MAX characters of four bytes;
	 * the words are copied whole while they fit, then cut below */
	size_t cap = 4 * FL_DEFLECT_QUERY_MAX, n;
	char *b = fl_arena_alloc(a, cap + 1);

	if (!b)
		return NULL;
	n = add_words(b, 0, cap, subject, -1);
	n = add_words(b, n, cap, description, FL_DEFLECT_QUERY_WORDS);
	if (!fl_utf8_valid(b, n))
		n = 0; /* the caller checked its text; nothing to search for otherwise */
	n = fl_utf8_prefix(b, n, FL_DEFLECT_QUERY_MAX);
	while (n && b[n - 1] == ' ')
		n--;
	b[n] = 0;
	return b;
}

void fl_deflect_shown_parse(const char *z, struct fl_deflection *d)
{
	while (z && *z && d->nshown < FL_DEFLECT_SHOWN_MAX) {
		int64_t id = 0;
		int big = 0;
		if (*z < '0' || *z > '9') {
			z++;
			continue;
		}
		for (; *z >= '0' && *z <= '9'; z++) {
			if (id > (INT64_MAX - 9) / 10)
				big = 1;
			else
				id = id * 10 + (*z - '0');
		}
		if (big || !id)
			continue;
		size_t i = 0;
		while (i < d->nshown && d->shown[i] != id)
			i++;
		if (i == d->nshown)
			d->shown[d->nshown++] = id;
	}
}

int fl_deflect_check(const struct fl_deflection *d, struct fl_err *e)
{
	int rc = fl_kb_locale_check(d->locale, "locale", e);

	if (rc)
		return rc;
	if (d->query) {
		size_t n = strlen(d->query);
		if (!fl_utf8_valid(d->query, n))
			return fl_err_set(e, FL_EINVAL, "query", "InvalidValue",
					  "Query: must be UTF-8 text");
		if (fl_utf8_len(d->query, n) > FL_DEFLECT_QUERY_MAX)
			return fl_err_set(e, FL_EINVAL, "query", "TooLong",
					  "Query: is too long (maximum is %d characters)",
					  FL_DEFLECT_QUERY_MAX);
	}
	if (!fl_deflect_outcome_name(d->outcome))
		return fl_err_set(e, FL_EINVAL, "outcome", "InvalidValue",
				  "Outcome: must be deflected or submitted");
	if (!fl_deflect_channel_name(d->channel))
		return fl_err_set(e, FL_EINVAL, "channel", "InvalidValue",
				  "Channel: must be js or nojs");
	if (d->outcome == FL_DEFLECT_DEFLECTED && d->article_id <= 0)
		return fl_err_set(e, FL_EINVAL, "article_id", "Blank",
				  "Article: say which article solved the problem");
	return 0;
}

/* Whether article_id is one a stranger may read: public, not archived,
 * and (locale not NULL) with a published translation in locale. */
static int is_public(fl_tx *tx, int64_t article_id, const char *locale, fl_arena *a, int *ok)
{
	struct fl_kb_article art;
	struct fl_kb_translation t = {.draft = 0};
	int rc = fl_store_kb_article_get(tx, article_id, a, &art);

	*ok = 0;
	if (rc == FL_ENOTFOUND)
		return 0;
	if (!rc && locale && (rc = fl_store_kb_translation_get(tx, article_id, locale, a, &t)))
		return rc == FL_ENOTFOUND ? 0 : rc;
	if (!rc)
		*ok = fl_kb_visible(FL_KB_PUBLIC, &art, &t);
	return rc;
}

#define NONCE_HEX 16
#define MAC_HEX 64
#define KEY_HEX 64

int fl_deflect_key_init(fl_tx *tx)
{
	fl_arena a;
	char *key = NULL, fresh[KEY_HEX + 1];
	int rc;

	fl_arena_init(&a, 0);
	rc = fl_store_setting_get(tx, FL_DEFLECT_KEY_SETTING, &a, &key);
	if (rc == FL_ENOTFOUND || (!rc && (!key || strlen(key) < KEY_HEX))) {
		fl_random_hex(fresh, KEY_HEX);
		rc = fl_store_setting_set(tx, FL_DEFLECT_KEY_SETTING, fresh);
	}
	fl_arena_free(&a);
	return rc;
}

void fl_deflect_sign(const char *key, const char *locale, const int64_t *ids, size_t n, int64_t t,
		     const char *nonce, char out[FL_DEFLECT_TOKEN_MAX + 1])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char text[64];
	int k;

	/* each part ends in a line break: none can run into the next */
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"deflection\n", 11);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)locale, strlen(locale));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
	for (size_t i = 0; i < n; i++) {
		k = snprintf(text, sizeof text, "%s%lld", i ? "," : "", (long long)ids[i]);
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)text, (size_t)k);
	}
	k = snprintf(text, sizeof text, "\n%lld\n", (long long)t);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)text, (size_t)k);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)nonce, strlen(nonce));
	crypto_auth_hmacsha256_final(&st, mac);
	k = snprintf(out, FL_DEFLECT_TOKEN_MAX + 1, "%lld.%s.", (long long)t, nonce);
	sodium_bin2hex(out + k, FL_DEFLECT_TOKEN_MAX + 1 - (size_t)k, mac, sizeof mac);
}

int fl_deflect_token(fl_tx *tx, const char *locale, const int64_t *ids, size_t n, int64_t now,
		     fl_arena *a, char **out)
{
	char *key = NULL, nonce[NONCE_HEX + 1];
	int rc = fl_store_setting_get(tx, FL_DEFLECT_KEY_SETTING, a, &key);

	if (rc)
		return rc;
	if (!(*out = fl_arena_alloc(a, FL_DEFLECT_TOKEN_MAX + 1)))
		return FL_ENOMEM;
	fl_random_hex(nonce, NONCE_HEX);
	fl_deflect_sign(key, fl_kb_locale_name(locale), ids, n, now, nonce, *out);
	return 0;
}

static int is_hex(const char *z, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((z[i] >= '0' && z[i] <= '9') || (z[i] >= 'a' && z[i] <= 'f')))
			return 0;
	return 1;
}

int fl_deflect_token_check(const char *key, const char *token, const char *locale,
			   const int64_t *ids, size_t n, int64_t now, struct fl_err *e)
{
	char nonce[NONCE_HEX + 1], want[FL_DEFLECT_TOKEN_MAX + 1];
	const char *dot, *p = token;
	int64_t t = 0;
	size_t len;

	if (!token || !*token)
		return fl_err_set(e, FL_EINVAL, "token", "Blank",
				  "Token: missing; send the token that came with the suggestions");
	/* T.NONCE.MAC, each part as this desk writes it */
	for (; *p >= '0' && *p <= '9' && p - token < 12; p++)
		t = t * 10 + (*p - '0');
	len = strlen(token);
	dot = p;
	if (p == token || *dot != '.' || strlen(dot + 1) != NONCE_HEX + 1 + MAC_HEX ||
	    dot[1 + NONCE_HEX] != '.' || !is_hex(dot + 1, NONCE_HEX) ||
	    !is_hex(dot + 2 + NONCE_HEX, MAC_HEX) || !key || !*key)
		goto forged;
	memcpy(nonce, dot + 1, NONCE_HEX);
	nonce[NONCE_HEX] = 0;
	fl_deflect_sign(key, locale, ids, n, t, nonce, want);
	if (strlen(want) != len || sodium_memcmp(want, token, len))
		goto forged;
	/* a token from the future (a clock set back) is as good as made up */
	if (t > now + 300)
		goto forged;
	if (now - t > FL_DEFLECT_TOKEN_TTL)
		return fl_err_set(e, FL_EINVAL, "token", "Expired",
				  "Token: the suggestions are more than a day old; "
				  "ask for them again");
	return 0;
forged:
	return fl_err_set(e, FL_EINVAL, "token", "InvalidValue",
			  "Token: not one this desk gave for these suggestions (locale and "
			  "articles shown)");
}

int fl_deflect_record(fl_tx *tx, struct fl_deflection *d, int64_t now, fl_arena *a,
		      struct fl_err *e)
{
	int64_t kept[FL_DEFLECT_SHOWN_MAX];
	size_t nkept = 0, i;
	char *key = NULL;
	int rc, ok;

	if ((rc = fl_deflect_check(d, e)))
		return rc;
	d->locale = fl_kb_locale_name(d->locale);
	if (!d->query)
		d->query = "";
	rc = fl_store_setting_get(tx, FL_DEFLECT_KEY_SETTING, a, &key);
	if (rc && rc != FL_ENOTFOUND)
		return rc;
	if ((rc = fl_deflect_token_check(key, d->token, d->locale, d->shown, d->nshown, now, e)))
		return rc;
	if (d->outcome == FL_DEFLECT_DEFLECTED) {
		for (i = 0; i < d->nshown && d->shown[i] != d->article_id; i++)
			;
		if (i == d->nshown)
			return fl_err_set(e, FL_EINVAL, "article_id", "InvalidValue",
					  "Article: %lld was not among the suggestions shown",
					  (long long)d->article_id);
		if ((rc = is_public(tx, d->article_id, d->locale, a, &ok)))
			return rc;
		if (!ok)
			return fl_err_set(e, FL_EINVAL, "article_id", "InvalidValue",
					  "Article: no public article %lld in %s",
					  (long long)d->article_id, d->locale);
	} else {
		d->article_id = 0;
	}
	for (i = 0; i < d->nshown && i < FL_DEFLECT_SHOWN_MAX; i++) {
		if (d->shown[i] == d->article_id) {
			kept[nkept++] = d->shown[i];
			continue;
		}
		if ((rc = is_public(tx, d->shown[i], NULL, a, &ok)))
			return rc;
		if (ok)
			kept[nkept++] = d->shown[i];
	}
	memcpy(d->shown, kept, nkept * sizeof *kept);
	d->nshown = nkept;
	d->created_at = now;
	/* the token is used up with the record, and only once: the store keeps
	 * its MAC unique */
	d->token_mac = strrchr(d->token, '.') + 1;
	rc = fl_store_deflection_insert(tx, d);
	if (rc == FL_ECONFLICT)
		return fl_err_set(e, FL_EINVAL, "token", "AlreadyUsed",
				  "Token: these suggestions were already decided on");
	return rc;
}

double fl_deflect_rate(const struct fl_deflect_counts *c)
{
	if (c->shown <= 0)
		return -1;
	/* counts are never negative: adding a half and truncating rounds */
	return (double)(int64_t)(1000.0 * (double)c->deflected / (double)c->shown + 0.5) / 1000.0;
}

/* clang-format off: one language a block */
static const struct fl_deflect_words words[] = {
	{"en", "These articles may answer your question",
	 "Before your request is sent, have a look: one of these may solve it at once.",
	 "This solved my problem", "Send my request anyway",
	 "Your request is not sent until you choose."},
	{"uk", "Ці статті можуть відповісти на ваше питання",
	 "Перш ніж надіслати звернення, погляньте: можливо, одна з них допоможе одразу.",
	 "Це вирішило мою проблему", "Все одно надіслати звернення",
	 "Звернення не буде надіслано, доки ви не оберете."},
	{"ru", "Эти статьи могут ответить на ваш вопрос",
	 "Прежде чем отправить обращение, взгляните: возможно, одна из них поможет сразу.",
	 "Это решило мою проблему", "Всё равно отправить обращение",
	 "Обращение не будет отправлено, пока вы не выберете."},
	{"lt", "Šie straipsniai gali atsakyti į jūsų klausimą",
	 "Prieš išsiųsdami užklausą, peržvelkite: galbūt vienas iš jų padės iš karto.",
	 "Tai išsprendė mano problemą", "Vis tiek išsiųsti užklausą",
	 "Užklausa nebus išsiųsta, kol nepasirinksite."},
};
/* clang-format on */

const struct fl_deflect_words *fl_deflect_words(const char *lang)
{
	for (size_t i = 0; lang && i < sizeof words / sizeof *words; i++)
		if (!strcmp(lang, words[i].lang))
			return &words[i];
	return &words[0];
}

#define SUGGEST_WORDS 10 /* the query's words searched, at most */

struct words {
	const char *text;
	fl_buf *b;
	char *seen[SUGGEST_WORDS];
	size_t lens[SUGGEST_WORDS], n;
	fl_arena *a;
};

/* Whether the character at p (n bytes left) is an apostrophe the search
 * joins letters across (' ’ ʼ, core/text.h); its length in *k. */
static int apostrophe(const char *p, size_t n, size_t *k)
{
	if (*p == '\'') {
		*k = 1;
		return 1;
	}
	*k = n >= 3 && !memcmp(p, "\xE2\x80\x99", 3) ? 3
	     : n >= 2 && !memcmp(p, "\xCA\xBC", 2)   ? 2
						     : 0;
	return *k != 0;
}

/* One word of the query as the search reads it (fl_text_terms: letters,
 * digits and marks, an apostrophe between letters joining them). */
static int add_word(void *ctx, const char *term, size_t len, int colocated, size_t pos,
		    size_t start, size_t end)
{
	struct words *w = ctx;
	const char *p = w->text + start;
	size_t n = 0, k, i;
	char *word;
	struct fl_filter f;
	struct fl_err e = {0};

	(void)term, (void)len, (void)pos;
	if (colocated)
		return 0;
	if (!(word = fl_arena_alloc(w->a, end - start + 1)))
		return FL_ENOMEM;
	/* the apostrophes dropped, as the search drops them: "з’явилися" is
	 * searched as "зявилися", which it reads as the same word */
	for (i = 0; i < end - start; i += k)
		if (!apostrophe(p + i, end - start - i, &k))
			word[n++] = p[i], k = 1;
	word[n] = 0;
	if (fl_utf8_len(word, n) < 3)
		return 0;
	for (i = 0; i < w->n && (w->lens[i] != n || memcmp(w->seen[i], word, n)); i++)
		;
	if (i < w->n)
		return 0;
	/* a word the search would refuse (too long a query with it) is left
	 * out, not the query */
	if (w->b->n + 1 + n > FL_QUERY_MAX_LEN ||
	    fl_query_parse_words((fl_str){word, n}, "the knowledge base", w->a, &f, &e))
		return 0;
	w->seen[w->n] = word;
	w->lens[w->n++] = n;
	if ((w->b->n && fl_buf_addc(w->b, ' ')) || fl_buf_add(w->b, word, n))
		return FL_ENOMEM;
	return w->n == SUGGEST_WORDS ? 1 : 0; /* 1: enough words */
}

int fl_deflect_search_words(const char *query, fl_arena *a, fl_buf *b)
{
	struct words w = {.text = query, .b = b, .a = a};
	int rc = query ? fl_text_terms(query, strlen(query), FL_TEXT_PREFIX, add_word, &w) : 0;

	return rc == 1 ? 0 : rc;
}

int fl_deflect_suggest(fl_tx *tx, const char *query, const char *locale, fl_arena *a,
		       struct fl_deflect_suggestion **out, size_t *n)
{
	struct fl_kb_search_out res;
	struct fl_err ignore = {0};
	struct fl_deflect_suggestion *best;
	fl_buf q;
	int rc;

	*out = NULL;
	*n = 0;
	if (!query || fl_kb_locale(locale) < 0)
		return 0;
	/* A customer writes sentences, and a search wants every word of its
	 * query: the suggestions are the articles with any of the words,
	 * ranked as the search ranks (bm25 weighs a rare word such as
	 * "payment" over a common one such as "problem"). */
	fl_buf_init(&q, 4096);
	rc = fl_deflect_search_words(query, a, &q);
	if (!rc && q.n)
		rc = fl_kb_search(tx,
				  &(struct fl_kb_search_in){.query = q.p,
							    .locale = fl_kb_locale_name(locale),
							    .level = FL_KB_PUBLIC,
							    .page = 1,
							    .per_page = FL_DEFLECT_SHOWN_MAX,
							    .any = 1},
				  a, &res, &ignore);
	if (rc == FL_EINVAL)
		rc = 0; /* a word the search will not take: not the customer's fault */
	if (rc || !q.n || !res.n) {
		fl_buf_free(&q);
		return rc;
	}
	fl_buf_free(&q);
	if (!(best = fl_arena_alloc(a, res.n * sizeof *best)))
		return FL_ENOMEM;
	for (size_t i = 0; i < res.n; i++) {
		const struct fl_kb_result *h = &res.results[i];
		best[i] = (struct fl_deflect_suggestion){h->e.article.id, h->e.tr.title, h->snippet,
							 (char *)fl_kb_slug(&h->e.tr, a)};
	}
	*out = best;
	*n = res.n;
	return 0;
}
