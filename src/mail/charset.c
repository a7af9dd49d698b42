/* Reading text in whatever charset a mail says, or should have said.
 *
 * Mail from Ukrainian, Russian and Lithuanian senders still arrives in
 * windows-1251, KOI8-R/U, ISO-8859-5, windows-1257 and ISO-8859-13, and
 * now and then labelled wrong or not at all. The declared charset is tried
 * first; every candidate is scored by how much its reading looks like text
 * (letters of the alphabets we expect, mostly lower case, no control or
 * box-drawing characters), and a candidate that reads clearly better
 * overrules the label. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/str.h"
#include "mail/mail.h"

static const char *const candidates[] = {
	"UTF-8",      "WINDOWS-1251", "KOI8-U",      "KOI8-R",
	"ISO-8859-5", "WINDOWS-1257", "ISO-8859-13", "ISO-8859-1",
};

/* Converts with iconv; bytes it cannot read become U+FFFD. NULL when the
 * charset is unknown to iconv or memory runs out; else *len is the length
 * of what it gave, which may hold NULs (the text goes on after them). */
static char *convert(const char *p, size_t n, const char *charset, fl_arena *a, size_t *len)
{
	iconv_t cd = iconv_open("UTF-8", charset);
	size_t cap = n * 4 + 16, left_in = n, left_out;
	char *out, *in = (char *)p, *w;

	if (cd == (iconv_t)-1)
		return NULL;
	out = fl_arena_alloc(a, cap);
	if (!out) {
		iconv_close(cd);
		return NULL;
	}
	w = out;
	left_out = cap - 1;
	while (left_in > 0) {
		if (iconv(cd, &in, &left_in, &w, &left_out) != (size_t)-1)
			break;
		if ((errno != EILSEQ && errno != EINVAL) || left_out < 3)
			break;
		memcpy(w, "\xEF\xBF\xBD", 3); /* U+FFFD, and go on after the byte */
		w += 3;
		left_out -= 3;
		in++;
		left_in--;
	}
	iconv_close(cd);
	*w = 0;
	*len = (size_t)(w - out);
	return out;
}

/* How much s looks like text in our languages: points for letters (more
 * for lower case); a loss for U+FFFD, control characters and box drawing,
 * for a word that mixes Latin and Cyrillic letters ("cafй"), and for
 * Latin-1 letters when they are most of the letters — what Cyrillic read
 * as Latin-1 looks like ("Ïðèâåò"), unlike French or German. */
static long score(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	long sc = 0, letters = 0, latin1 = 0;
	int script = 0; /* of the current word: 1 Latin, 2 Cyrillic */

	while (p < end) {
		uint32_t c;
		size_t len = 1;
		int sc_of = 0;
		if (*p < 0x80) {
			c = *p;
		} else if ((*p & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
			c = ((uint32_t)(*p & 0x1F) << 6) | (p[1] & 0x3F);
			len = 2;
		} else if ((*p & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
			c = ((uint32_t)(*p & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) |
			    (p[2] & 0x3F);
			len = 3;
		} else {
			c = 0xFFFD;
			while (p + len < end && (p[len] & 0xC0) == 0x80)
				len++;
		}
		p += len;
		if ((c >= 'a' && c <= 'z') || c == 0x105 || c == 0x10D || c == 0x119 ||
		    c == 0x117 || c == 0x12F || c == 0x161 || c == 0x173 || c == 0x16B ||
		    c == 0x17E) { /* ą č ę ė į š ų ū ž */
			sc += 2, sc_of = 1;
		} else if ((c >= 0x430 && c <= 0x44F) || c == 0x451 || c == 0x456 || c == 0x457 ||
			   c == 0x454 || c == 0x491) { /* а-я ё і ї є ґ */
			sc += 2, sc_of = 2;
		} else if (c >= 'A' && c <= 'Z') {
			sc += 1, sc_of = 1;
		} else if (c >= 0x400 && c <= 0x42F) {
			sc += 1, sc_of = 2;
		} else if (c >= 0xC0 && c <= 0xFF && c != 0xD7 && c != 0xF7) {
			latin1++, sc_of = 1;
		} else if (c == 0xFFFD || (c < 0x20 && c != '\n' && c != '\r' && c != '\t') ||
			   (c >= 0x80 && c < 0xA0) || (c >= 0x2500 && c <= 0x259F)) {
			sc -= 6;
		}
		if (sc_of) {
			letters++;
			if (script && script != sc_of)
				sc -= 5;
			script = sc_of;
		} else {
			script = 0;
		}
	}
	return sc + (latin1 * 2 < letters ? latin1 : -3 * latin1);
}

static int is_ascii(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0x80)
			return 0;
	return 1;
}

/* The n bytes at s with every byte that does not start a valid UTF-8
 * character, and every NUL, replaced by U+FFFD: what a converter let
 * through that is not UTF-8 (overlong forms, surrogates) never reaches a
 * ticket, and a NUL in a body no longer ends the text that follows it. */
static char *sanitize(char *s, size_t n, fl_arena *a)
{
	size_t k = 0;
	char *out;

	if (!s || (fl_utf8_valid(s, n) && !memchr(s, 0, n)))
		return s;
	if (!(out = fl_arena_alloc(a, n * 3 + 1)))
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t len = (unsigned char)s[i] < 0x80 ? 1
			     : (s[i] & 0xE0) == 0xC0    ? 2
			     : (s[i] & 0xF0) == 0xE0    ? 3
			     : (s[i] & 0xF8) == 0xF0    ? 4
							: 0;
		if (len && s[i] && i + len <= n && fl_utf8_valid(s + i, len)) {
			memcpy(out + k, s + i, len);
			k += len;
			i += len;
		} else {
			memcpy(out + k, "\xEF\xBF\xBD", 3);
			k += 3;
			i++;
		}
	}
	out[k] = 0;
	return out;
}

/* The candidates are scored on the first SAMPLE bytes and only the one
 * that wins converts the whole text: a 50 MiB body costs one conversion
 * (4 bytes of room a byte), not nine. */
#define SAMPLE (64u << 10)

/* The text in UTF-8 (with any NULs still in it); *len its length. */
static char *to_utf8(const char *p, size_t n, const char *charset, fl_arena *a, size_t *len)
{
	size_t sn = n < SAMPLE ? n : SAMPLE, k = 0;
	const char *pick = NULL;
	long bar = 0;
	char *s;

	*len = n;
	if (is_ascii(p, n) || (fl_utf8_valid(p, n) && (!charset || !strcasecmp(charset, "utf-8") ||
						       !strcasecmp(charset, "us-ascii"))))
		return fl_arena_strndup(a, p, n);
	/* valid UTF-8 is almost never an accident: trust it over a label */
	if (fl_utf8_valid(p, n) && memchr(p, 0, n) == NULL)
		return fl_arena_strndup(a, p, n);
	/* the label stands unless a candidate reads clearly better: a tenth of
	 * the sample's length in points */
	if (charset && *charset && (s = convert(p, sn, charset, a, &k))) {
		pick = charset;
		bar = score(s, k) + (long)sn / 10;
	}
	for (size_t i = 1; i < sizeof candidates / sizeof *candidates; i++) {
		long sc;
		if (!(s = convert(p, sn, candidates[i], a, &k)))
			continue;
		sc = score(s, k);
		if (!pick || sc > bar) {
			pick = candidates[i];
			bar = sc;
		}
	}
	if (!pick) {
		*len = 0;
		return fl_arena_strndup(a, "", 0);
	}
	return convert(p, n, pick, a, len); /* NULL: out of memory */
}

char *fl_mail_to_utf8(const char *p, size_t n, const char *charset, fl_arena *a)
{
	size_t len = 0;
	char *s = to_utf8(p, n, charset, a, &len);
	return sanitize(s, len, a);
}

/* RFC 2047 encoded words, each decoded on its own.
 *
 * A run of encoded words separated only by white space (folding included)
 * is one piece of text: the white space between them goes (section 6.2).
 * Each word's encoded text is decoded to bytes by itself — a B word ends
 * at its own "=" padding, whatever follows — and the bytes of adjacent
 * words in the same charset are joined before they are converted, so that
 * a character a mailer split across two words comes out whole. */

struct word {
	const char *charset; /* without an RFC 2231 "*language" */
	size_t ncharset;
	char enc; /* 'B' or 'Q' */
	const char *text;
	size_t ntext;
	const char *end; /* just past "?=" */
};

static int is_lwsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 5322 section 3.2.3's specials: structure in an address list. */
static int special(char c)
{
	return c && strchr("()<>[]:;@\\,.\"", c) != NULL;
}

/* Whether w may be read as a word of a phrase in an address list
 * (RFC 2047 section 5 (3)): its text holds no specials (else, taken for
 * one opaque word, it would hide structure an MTA reads — a "<", an "@",
 * a "," — and the address we read would not be the one it authenticated),
 * and it stands apart: after white space, a quote, a comma, a colon or the
 * start, and before white space, a quote, a comma, a "<" or the end. */
static int phrase_word(const struct word *w, const char *start, const char *p, const char *end)
{
	for (size_t i = 0; i < w->ntext; i++)
		if (special(w->text[i]))
			return 0;
	if (p > start && !is_lwsp(p[-1]) && !(p[-1] && strchr("\",:", p[-1])))
		return 0;
	return w->end == end || is_lwsp(*w->end) || (*w->end && strchr("\",<", *w->end));
}

/* Whether p starts an encoded word (section 2): "=?" charset "?" B or Q
 * "?" encoded-text "?=", with no white space or "?" inside a part. In
 * unstructured text words that touch other text are read too, as mailers
 * write them that way. */
static int word_at(const char *p, const char *end, struct word *w)
{
	const char *q = p + 2, *t, *lang;

	if (end - p < 7 || p[0] != '=' || p[1] != '?')
		return 0;
	while (q < end && *q != '?' && !is_lwsp(*q))
		q++;
	if (q == p + 2 || end - q < 5 || q[0] != '?' || q[2] != '?')
		return 0;
	w->enc = (char)(q[1] == 'b' || q[1] == 'B' ? 'B' : q[1] == 'q' || q[1] == 'Q' ? 'Q' : 0);
	if (!w->enc)
		return 0;
	w->charset = p + 2;
	w->ncharset = (size_t)(q - w->charset);
	if ((lang = memchr(w->charset, '*', w->ncharset)))
		w->ncharset = (size_t)(lang - w->charset);
	w->text = t = q + 3;
	while (t < end && *t != '?' && !is_lwsp(*t))
		t++;
	if (end - t < 2 || t[0] != '?' || t[1] != '=')
		return 0;
	w->ntext = (size_t)(t - w->text);
	w->end = t + 2;
	return 1;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int b64_digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Appends the bytes w's encoded text stands for: B (section 4.1) up to its
 * "=" padding, what is not base64 skipped, a last partial byte dropped;
 * Q (section 4.2) with "_" a space and "=XX" a byte, a stray "=" kept. */
static int word_bytes(const struct word *w, fl_buf *out)
{
	int rc = 0;

	if (w->enc == 'B') {
		uint32_t acc = 0;
		int bits = 0;
		for (size_t i = 0; i < w->ntext && w->text[i] != '=' && !rc; i++) {
			int d = b64_digit(w->text[i]);
			if (d < 0)
				continue;
			acc = (acc << 6) | (uint32_t)d;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				rc = fl_buf_addc(out, (char)((acc >> bits) & 0xFF));
			}
		}
		return rc;
	}
	for (size_t i = 0; i < w->ntext && !rc; i++) {
		char c = w->text[i];
		int hi, lo;
		if (c == '_') {
			c = ' ';
		} else if (c == '=' && i + 2 < w->ntext && (hi = hex_digit(w->text[i + 1])) >= 0 &&
			   (lo = hex_digit(w->text[i + 2])) >= 0) {
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		rc = fl_buf_addc(out, c);
	}
	return rc;
}

static int add_base64(fl_buf *out, const char *z)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)z;
	size_t n = strlen(z);
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		char q[4] = {digits[v >> 18 & 63], digits[v >> 12 & 63],
			     i + 1 < n ? digits[v >> 6 & 63] : '=',
			     i + 2 < n ? digits[v & 63] : '='};
		rc = fl_buf_add(out, q, sizeof q);
	}
	return rc;
}

/* Adds the bytes of a run of words in one charset to text as UTF-8, and
 * empties the run. */
static int convert_run(fl_buf *run, const struct word *w, fl_arena *a, fl_buf *text)
{
	char label[64];
	char *s;

	if (!run->n)
		return 0;
	snprintf(label, sizeof label, "%.*s", (int)w->ncharset, w->charset ? w->charset : "");
	s = fl_mail_to_utf8(run->p, run->n, w->ncharset < sizeof label ? label : NULL, a);
	fl_buf_reset(run);
	return s ? fl_buf_adds(text, s) : FL_ENOMEM;
}

/* Adds the text of adjacent words to out — as it is, or (structured) as
 * one UTF-8 B word — and empties text. */
static int emit(fl_buf *text, int structured, fl_buf *out)
{
	int rc;

	if (!text->n)
		return 0;
	if (!structured)
		rc = fl_buf_add(out, text->p, text->n);
	else if (!(rc = fl_buf_adds(out, "=?UTF-8?B?")) && !(rc = add_base64(out, text->p)))
		rc = fl_buf_adds(out, "?=");
	fl_buf_reset(text);
	return rc;
}

/* Adds the text between words to out: as it is (structured), or unfolded
 * (RFC 5322 section 2.2.3) and read as UTF-8 or guessed. */
static int literal(const char *p, size_t n, int structured, fl_arena *a, fl_buf *out)
{
	char *s, *t;
	size_t k = 0;

	if (structured || !n)
		return fl_buf_add(out, p, n);
	if (!(t = fl_arena_alloc(a, n)))
		return FL_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (p[i] != '\r' && p[i] != '\n')
			t[k++] = p[i];
	if (!(s = fl_mail_to_utf8(t, k, NULL, a)))
		return FL_ENOMEM;
	return fl_buf_adds(out, s);
}

static int same_charset(const struct word *x, const struct word *y)
{
	return x->ncharset == y->ncharset && !strncasecmp(x->charset, y->charset, x->ncharset);
}

/* See fl_mail_words_decode and fl_mail_words_rejoin. */
static char *words(const char *p, size_t n, int structured, fl_arena *a)
{
	const char *end = p + n, *lit = p, *q = p;
	struct word last = {0}, w;
	fl_buf out, run, text;
	char *s = NULL;
	int rc = 0;

	/* the white space around a value is not text; inside a word it is */
	while (!structured && q < end && is_lwsp(*q))
		lit = ++q;
	while (!structured && end > q && is_lwsp(end[-1]))
		end--;
	/* room for the worst: every byte a 4-byte character, base64 on top */
	fl_buf_init(&out, 8 * n + 64);
	fl_buf_init(&text, 4 * n + 64);
	fl_buf_init(&run, n + 1);
	while (q < end && !rc) {
		const char *g = lit;
		if (!word_at(q, end, &w) || (structured && !phrase_word(&w, p, q, end))) {
			q++;
			continue;
		}
		while (g < q && is_lwsp(*g))
			g++;
		/* white space alone between two words is not text (section 6.2) */
		if (!last.end || g < q) {
			if (!(rc = convert_run(&run, &last, a, &text)) &&
			    !(rc = emit(&text, structured, &out)))
				rc = literal(lit, (size_t)(q - lit), structured, a, &out);
		} else if (!same_charset(&last, &w)) {
			rc = convert_run(&run, &last, a, &text);
		}
		if (!rc)
			rc = word_bytes(&w, &run);
		last = w;
		q = lit = w.end;
	}
	if (!rc && !(rc = convert_run(&run, &last, a, &text)) &&
	    !(rc = emit(&text, structured, &out)))
		rc = literal(lit, (size_t)(end - lit), structured, a, &out);
	if (!rc)
		s = fl_arena_strndup(a, out.p ? out.p : "", out.n);
	fl_buf_free(&out);
	fl_buf_free(&text);
	fl_buf_free(&run);
	return s;
}

char *fl_mail_words_decode(const char *p, size_t n, fl_arena *a)
{
	return words(p, n, 0, a);
}

char *fl_mail_words_rejoin(const char *p, size_t n, fl_arena *a)
{
	return words(p, n, 1, a);
}
