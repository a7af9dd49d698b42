/* The analysis of text into search terms: see text.h for the contract. */
#include "core/text.h"

#include <glib.h>
#include <libstemmer.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

/* A word is lower-cased into this many bytes at most, and stemmed from
 * them: terms are cut at FL_TEXT_TERM_MAX anyway, and a longer word (a
 * hash, a URL's run of letters) gains nothing from the rest. */
#define WORD_MAX 256

/* The Snowball stemmers of one thread. */
struct stemmers {
	struct sb_stemmer *ru, *en, *lt;
};

static pthread_key_t stemmers_key;
static pthread_once_t stemmers_once = PTHREAD_ONCE_INIT;

static void stemmers_free(void *p)
{
	struct stemmers *s = p;
	if (!s)
		return;
	if (s->ru)
		sb_stemmer_delete(s->ru);
	if (s->en)
		sb_stemmer_delete(s->en);
	if (s->lt)
		sb_stemmer_delete(s->lt);
	free(s);
}

static void stemmers_init(void)
{
	pthread_key_create(&stemmers_key, stemmers_free);
}

/* The thread's stemmer for lang (FL_LANG_RU, EN or LT), made now if
 * need be; NULL when memory ran out. */
static struct sb_stemmer *stemmer(unsigned lang)
{
	struct stemmers *s;
	struct sb_stemmer **p;

	pthread_once(&stemmers_once, stemmers_init);
	s = pthread_getspecific(stemmers_key);
	if (!s) {
		if (!(s = calloc(1, sizeof *s)))
			return NULL;
		if (pthread_setspecific(stemmers_key, s)) {
			free(s);
			return NULL;
		}
	}
	p = lang == FL_LANG_RU ? &s->ru : lang == FL_LANG_EN ? &s->en : &s->lt;
	if (!*p)
		*p = sb_stemmer_new(lang == FL_LANG_RU   ? "russian"
				    : lang == FL_LANG_EN ? "english"
							 : "lithuanian",
				    "UTF_8");
	return *p;
}

/* The code point at p (n > 0 bytes), its length in *len; -1 (length 1)
 * where p does not start well-formed UTF-8. */
static gunichar next_char(const char *p, size_t n, size_t *len)
{
	gunichar c = g_utf8_get_char_validated(p, (gssize)(n < 6 ? n : 6));

	if (c == (gunichar)-1 || c == (gunichar)-2 || c > 0x10FFFF) {
		*len = 1;
		return (gunichar)-1;
	}
	*len = (size_t)(g_utf8_next_char(p) - p);
	return c;
}

static int is_apostrophe(gunichar c)
{
	return c == '\'' || c == 0x2019 || c == 0x02BC;
}

enum { SCRIPT_NONE, SCRIPT_CYRILLIC, SCRIPT_LATIN, SCRIPT_MIXED };

static int script_of(gunichar c)
{
	switch (g_unichar_get_script(c)) {
	case G_UNICODE_SCRIPT_CYRILLIC: return SCRIPT_CYRILLIC;
	case G_UNICODE_SCRIPT_LATIN: return SCRIPT_LATIN;
	case G_UNICODE_SCRIPT_COMMON:
	case G_UNICODE_SCRIPT_INHERITED: return SCRIPT_NONE; /* digits, marks */
	default: return SCRIPT_MIXED;                        /* Greek, Georgian…: not stemmed */
	}
}

unsigned fl_text_detect(const char *text, size_t len)
{
	size_t uk = 0, ru = 0, lt = 0, i = 0, n;
	unsigned langs;

	while (i < len) {
		gunichar c = next_char(text + i, len - i, &n);
		i += n;
		switch (c == (gunichar)-1 ? 0 : g_unichar_tolower(c)) {
		case 0x0456: /* і */
		case 0x0457: /* ї */
		case 0x0454: /* є */
		case 0x0491: /* ґ */ uk++; break;
		case 0x044B: /* ы */
		case 0x044D: /* э */
		case 0x044A: /* ъ */
		case 0x0451: /* ё */ ru++; break;
		case 0x0105: /* ą */
		case 0x010D: /* č */
		case 0x0119: /* ę */
		case 0x0117: /* ė */
		case 0x012F: /* į */
		case 0x0161: /* š */
		case 0x0173: /* ų */
		case 0x016B: /* ū */
		case 0x017E: /* ž */ lt++; break;
		default: break;
		}
	}
	langs = uk > ru ? FL_LANG_UK : ru > uk ? FL_LANG_RU : FL_LANG_UK | FL_LANG_RU;
	langs |= lt >= 3 ? FL_LANG_LT : lt ? FL_LANG_LT | FL_LANG_EN : FL_LANG_EN;
	return langs;
}

static size_t put_char(char *out, size_t n, size_t cap, gunichar c)
{
	char u[8];
	int k = g_unichar_to_utf8(c, u);
	if (n + (size_t)k > cap)
		return n;
	memcpy(out + n, u, (size_t)k);
	return n + (size_t)k;
}

/* word (valid UTF-8) without its combining marks after canonical
 * decomposition, cut at FL_TEXT_TERM_MAX bytes, into out. */
static size_t fold(const char *word, size_t n, char *out)
{
	size_t i = 0, o = 0, k;

	while (i < n) {
		gunichar c = next_char(word + i, n - i, &k), d[8];
		gsize nd;
		i += k;
		if (c == (gunichar)-1)
			continue;
		nd = g_unichar_fully_decompose(c, FALSE, d, 8);
		for (gsize j = 0; j < nd; j++) {
			size_t before = o;
			if (g_unichar_ismark(d[j]))
				continue;
			o = put_char(out, o, FL_TEXT_TERM_MAX, d[j]);
			if (o == before)
				goto full;
		}
	}
full:
	out[o] = 0;
	return o;
}

size_t fl_text_fold(const char *word, size_t n, char *out)
{
	char low[WORD_MAX];
	size_t i = 0, o = 0, k;

	while (i < n) {
		gunichar c = next_char(word + i, n - i, &k);
		size_t before = o;
		i += k;
		if (c == (gunichar)-1)
			continue;
		o = put_char(low, o, sizeof low, g_unichar_tolower(c));
		if (o == before)
			break;
	}
	return fold(low, o, out);
}

/* The Ukrainian light stemmer. Endings, longest first (the search takes the
 * longest that fits): of nouns, adjectives and verbs, in every case and
 * number. Deliberately light: a stem need not be a word, only the same for
 * the forms users type (tests/unit/core/test_text.c has the cases). */
static const char *const uk_endings[] = {
	/* verbal nouns: повернення, замовленням, завданнях */
	"еннями", "аннями", "іннями", "енням", "еннях", "анням", "аннях", "інням", "іннях", "ення",
	"енню", "ання", "анню", "іння", "інню", "ення",
	/* adjectives' long endings */
	"ього", "ьому", "ими", "ого", "ому", "ої", "ій", "ий", "ім", "им", "их", "іх", "ьої",
	/* verbs: present, past, imperative, infinitive */
	"ємо", "єте", "емо", "ете", "имо", "ите", "уть", "ють", "ать", "ять", "ить", "ала", "ало",
	"али", "ила", "ило", "или", "ула", "уло", "ули", "яла", "яло", "яли", "ймо", "йте", "ав",
	"ив", "ув", "яв", "еш", "єш", "иш", "ати", "яти", "ити", "іти", "ути", "ть",
	/* nouns: plural and oblique cases */
	"ові", "еві", "єві", "ами", "ями", "ьми", "ень", "ань", "ам", "ям", "ах", "ях", "ів", "їв",
	"ей", "ом", "ем", "єм", "ою", "ею", "єю",
	/* one letter */
	"а", "я", "и", "і", "ї", "у", "ю", "о", "е", "є", "ь", "й"};

#define UK_MIN 3 /* letters a stem keeps at least */

static int uk_vowel(gunichar c)
{
	return c == 0x0430 || c == 0x0435 || c == 0x0454 || c == 0x0438 || c == 0x0456 ||
	       c == 0x0457 || c == 0x043E || c == 0x0443 || c == 0x044E || c == 0x044F ||
	       c == 0x044C; /* а е є и і ї о у ю я, and ь */
}

/* An infinitive's ending is also a noun's "и" after т (оплатити/оплати,
 * кредити): where the longest ending is one, the second reading strips "и". */
static int uk_infinitive(const char *ending)
{
	return strlen(ending) == 6 && !strcmp(ending + 2, "ти");
}

size_t fl_text_stem_uk(const char *word, size_t n, int alt, char *out, size_t cap)
{
	gunichar c[WORD_MAX];
	size_t nc = 0, i = 0, k, o = 0;
	size_t best = 0;
	const char *best_ending = NULL;

	out[0] = 0;
	while (i < n && nc < WORD_MAX) {
		gunichar u = next_char(word + i, n - i, &k);
		i += k;
		if (u != (gunichar)-1)
			c[nc++] = u;
	}
	/* reflexive verbs: повертається, повернувся, повернулась */
	if (nc >= UK_MIN + 2 && c[nc - 1] == 0x044F && c[nc - 2] == 0x0441) /* ся */
		nc -= 2;
	else if (nc >= UK_MIN + 2 && c[nc - 1] == 0x044C && c[nc - 2] == 0x0441) /* сь */
		nc -= 2;
	for (size_t e = 0; e < sizeof uk_endings / sizeof *uk_endings; e++) {
		const char *p = uk_endings[e];
		glong el = g_utf8_strlen(p, -1);
		size_t j;

		if ((size_t)el <= best || nc < UK_MIN + (size_t)el)
			continue;
		for (j = 0; j < (size_t)el; j++, p = g_utf8_next_char(p))
			if (g_utf8_get_char(p) != c[nc - (size_t)el + j])
				break;
		if (j == (size_t)el)
			best = (size_t)el, best_ending = uk_endings[e];
	}
	if (alt && !(best_ending && uk_infinitive(best_ending)))
		return 0;
	nc -= alt ? 1 : best;
	/* a vowel left before the ending (поверну-ти, повертає) */
	while (nc > UK_MIN && uk_vowel(c[nc - 1]))
		nc--;
	/* the fleeting vowel of -ок, -ек: рахунок/рахунку, доставок/доставка */
	if (nc > UK_MIN && c[nc - 1] == 0x043A && (c[nc - 2] == 0x043E || c[nc - 2] == 0x0435) &&
	    !uk_vowel(c[nc - 3])) {
		c[nc - 2] = c[nc - 1];
		nc--;
	}
	/* the consonant alternations before і: доставка/доставці, книга/книзі,
	 * муха/мусі */
	if (nc >= UK_MIN) {
		if (c[nc - 1] == 0x043A)
			c[nc - 1] = 0x0446; /* к → ц */
		else if (c[nc - 1] == 0x0433)
			c[nc - 1] = 0x0437; /* г → з */
		else if (c[nc - 1] == 0x0445)
			c[nc - 1] = 0x0441; /* х → с */
	}
	for (i = 0; i < nc; i++) {
		size_t before = o;
		o = put_char(out, o, cap - 1, c[i]);
		if (o == before)
			break;
	}
	out[o] = 0;
	return o;
}

/* One word while it is read. */
struct word {
	size_t start, end;
	char low[WORD_MAX];
	size_t nlow;
	int script;
	int last_letter; /* the last character added was a letter */
};

struct terms {
	fl_text_term_fn fn;
	void *ctx;
	unsigned flags, langs;
	size_t pos;
};

/* Emits w's terms: its folded form, then its distinct stems. */
static int emit(struct terms *t, const struct word *w)
{
	char folded[FL_TEXT_TERM_MAX + 1], stems[5][FL_TEXT_TERM_MAX + 1];
	size_t nf = fold(w->low, w->nlow, folded), ns = 0, len[5];
	unsigned want = 0;
	int rc;

	if (!nf)
		return 0;
	rc = t->fn(t->ctx, folded, nf, 0, t->pos, w->start, w->end);
	if (rc || (t->flags & FL_TEXT_PREFIX))
		return rc;
	if (w->script == SCRIPT_CYRILLIC)
		want = t->langs & (FL_LANG_UK | FL_LANG_RU);
	else if (w->script == SCRIPT_LATIN)
		want = t->langs & (FL_LANG_EN | FL_LANG_LT);
	/* the Ukrainian stemmer's two readings, then Snowball's */
	for (unsigned lang = 0; lang <= FL_LANG_LT; lang = lang ? lang << 1 : 1) {
		char raw[WORD_MAX];
		size_t nr = 0, k;
		if (!(want & (lang ? lang : FL_LANG_UK)))
			continue;
		if (lang <= FL_LANG_UK) {
			nr = fl_text_stem_uk(w->low, w->nlow, !lang, raw, sizeof raw);
			if (!nr)
				continue;
		} else {
			struct sb_stemmer *s = stemmer(lang);
			const sb_symbol *r;
			if (!s)
				return FL_ENOMEM;
			r = sb_stemmer_stem(s, (const sb_symbol *)w->low, (int)w->nlow);
			if (!r)
				return FL_ENOMEM;
			nr = (size_t)sb_stemmer_length(s);
			if (nr >= sizeof raw)
				nr = sizeof raw - 1;
			memcpy(raw, r, nr);
		}
		k = fold(raw, nr, stems[ns]);
		if (!k || (k == nf && !memcmp(stems[ns], folded, k)))
			continue;
		for (size_t j = 0; j < ns; j++)
			if (len[j] == k && !memcmp(stems[j], stems[ns], k))
				goto dup;
		len[ns++] = k;
dup:;
	}
	for (size_t j = 0; j < ns && !rc; j++)
		rc = t->fn(t->ctx, stems[j], len[j], 1, t->pos, w->start, w->end);
	return rc;
}

static void add_to_word(struct word *w, gunichar c, size_t at, size_t n)
{
	int s = script_of(c);
	if (!w->end)
		w->start = at;
	w->end = at + n;
	if (s != SCRIPT_NONE)
		w->script = w->script == SCRIPT_NONE || w->script == s ? s : SCRIPT_MIXED;
	w->nlow = put_char(w->low, w->nlow, sizeof w->low, g_unichar_tolower(c));
	if (!g_unichar_ismark(c))
		w->last_letter = g_unichar_isalpha(c);
}

int fl_text_terms(const char *text, size_t len, unsigned flags, fl_text_term_fn fn, void *ctx)
{
	struct terms t = {fn, ctx, flags, 0, 0};
	struct word w = {0};
	size_t i = 0, n;
	int rc = 0, in_word = 0;

	if (!(flags & FL_TEXT_PREFIX))
		t.langs = fl_text_detect(text, len);
	while (i < len && !rc) {
		gunichar c = next_char(text + i, len - i, &n);
		int joins = 0;

		if (c != (gunichar)-1 && !is_apostrophe(c) &&
		    (g_unichar_isalnum(c) || (in_word && g_unichar_ismark(c)))) {
			add_to_word(&w, c, i, n);
			in_word = 1;
			i += n;
			continue;
		}
		/* an apostrophe between two letters joins them */
		if (in_word && c != (gunichar)-1 && is_apostrophe(c) && w.last_letter &&
		    i + n < len) {
			size_t m;
			gunichar d = next_char(text + i + n, len - i - n, &m);
			joins = d != (gunichar)-1 && g_unichar_isalpha(d);
		}
		if (joins) {
			i += n;
			continue;
		}
		if (in_word) {
			rc = emit(&t, &w);
			t.pos++;
			memset(&w, 0, sizeof w);
			in_word = 0;
		}
		i += n;
	}
	if (in_word && !rc) {
		rc = emit(&t, &w);
		t.pos++;
	}
	return rc;
}

/* Snippets */

struct qterm {
	char t[FL_TEXT_TERM_MAX + 1];
	size_t n;
	int prefix;
};

struct qterms {
	struct qterm *v;
	size_t n, cap;
	int prefix; /* the term being read is a prefix */
};

static int add_qterm(void *ctx, const char *term, size_t len, int colocated, size_t pos,
		     size_t start, size_t end)
{
	struct qterms *q = ctx;
	(void)colocated, (void)pos, (void)start, (void)end;
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		struct qterm *v = realloc(q->v, cap * sizeof *v);
		if (!v)
			return FL_ENOMEM;
		q->v = v, q->cap = cap;
	}
	memcpy(q->v[q->n].t, term, len);
	q->v[q->n].n = len;
	q->v[q->n++].prefix = q->prefix;
	return 0;
}

/* A word of the text being cut. */
struct sword {
	size_t start, end, pos;
	int hit;
};

/* The words of the text, while reading it: up to `words` before the first
 * hit (the last ones), then up to `words` from it on. */
struct snip {
	const struct qterms *q;
	size_t words;
	struct sword *w; /* 2 * words */
	size_t n, hit;   /* hit: w[hit] is the first hit, when found */
	int found, more;
};

static int matches(const struct qterms *q, const char *term, size_t len)
{
	for (size_t i = 0; i < q->n; i++)
		if (q->v[i].prefix ? len >= q->v[i].n && !memcmp(term, q->v[i].t, q->v[i].n)
				   : len == q->v[i].n && !memcmp(term, q->v[i].t, len))
			return 1;
	return 0;
}

static int snip_term(void *ctx, const char *term, size_t len, int colocated, size_t pos,
		     size_t start, size_t end)
{
	struct snip *s = ctx;
	int hit = matches(s->q, term, len);

	if (!colocated) {
		if (s->found && s->n - s->hit == s->words) {
			s->more = 1;
			return 1; /* enough words after the hit: done */
		}
		if (!s->found && s->n == s->words) { /* keep the last words only */
			memmove(s->w, s->w + 1, (s->n - 1) * sizeof *s->w);
			s->n--;
		}
		s->w[s->n++] = (struct sword){start, end, pos, 0};
	}
	if (hit && !s->w[s->n - 1].hit) {
		s->w[s->n - 1].hit = 1;
		if (!s->found)
			s->hit = s->n - 1;
		s->found = 1;
	}
	return 0;
}

int fl_text_snippet(const char *text, size_t len, const char *const *terms, const int *prefix,
		    size_t nterms, size_t words, fl_buf *out)
{
	struct qterms q = {0};
	struct snip s = {0};
	size_t from = 0, to = 0;
	int rc = 0;

	if (words < 4)
		words = 4;
	for (size_t i = 0; i < nterms && !rc; i++) {
		q.prefix = prefix && prefix[i];
		rc = fl_text_terms(terms[i], strlen(terms[i]), q.prefix ? FL_TEXT_PREFIX : 0,
				   add_qterm, &q);
	}
	s.q = &q;
	s.words = words;
	if (!rc && !(s.w = calloc(2 * words, sizeof *s.w)))
		rc = FL_ENOMEM;
	if (!rc) {
		rc = fl_text_terms(text, len, 0, snip_term, &s);
		if (rc == 1)
			rc = 0;
	}
	if (!rc && !s.found && s.n) {
		/* nothing matched: the text's first words */
		struct qterms none = {0};
		struct snip f = {.q = &none, .words = words, .w = s.w, .found = 1};
		rc = fl_text_terms(text, len, 0, snip_term, &f);
		if (rc == 1)
			rc = 0;
		s = f;
	}
	if (!rc && s.n) {
		/* `words` words from a quarter of them before the first hit,
		 * earlier ones where the text ends sooner */
		size_t first = s.hit > words / 4 ? s.hit - words / 4 : 0, last;
		last = first + words < s.n ? first + words : s.n;
		first = last > words ? last - words : 0;
		if (s.w[first].pos > 0)
			rc = fl_buf_adds(out, "…");
		from = s.w[first].pos > 0 ? s.w[first].start : 0;
		for (size_t i = first; i < last && !rc; i++) {
			size_t gap = i > first ? s.w[i - 1].end : from;
			rc = fl_buf_add(out, text + gap, s.w[i].start - gap);
			if (!rc && s.w[i].hit)
				rc = fl_buf_addc(out, '\x01');
			if (!rc)
				rc = fl_buf_add(out, text + s.w[i].start,
						s.w[i].end - s.w[i].start);
			if (!rc && s.w[i].hit)
				rc = fl_buf_addc(out, '\x02');
		}
		to = s.w[last - 1].end;
		if (!rc)
			rc = s.more || last < s.n ? fl_buf_adds(out, "…")
						  : fl_buf_add(out, text + to, len - to);
	} else if (!rc) {
		rc = fl_buf_add(out, text, len < 200 ? len : 200); /* no words at all */
	}
	free(s.w);
	free(q.v);
	return rc;
}
