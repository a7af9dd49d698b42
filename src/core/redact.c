/* Contact details masked in free text (redact.h): two passes over the
 * text, e-mail addresses first (so that the digits of "0671234567@ex.com"
 * go with the address), then telephone numbers in what is left. */
#include "core/redact.h"

#include <glib.h>
#include <string.h>

#include "core/str.h"

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026 */

/* The character at s[i] (n bytes in all), its length in *len; a byte that
 * does not start well-formed UTF-8 is (gunichar)-1, one byte long. */
static gunichar char_at(const char *s, size_t n, size_t i, size_t *len)
{
	unsigned char b = (unsigned char)s[i];
	if (b < 0x80) {
		*len = 1;
		return b;
	}
	gunichar c = g_utf8_get_char_validated(s + i, (gssize)(n - i));
	if (c == (gunichar)-1 || c == (gunichar)-2) {
		*len = 1;
		return (gunichar)-1;
	}
	*len = (size_t)g_utf8_skip[b];
	return c;
}

/* The character that ends just before s[i] and where it starts; (gunichar)-1
 * at the start of the text or after a byte that is not UTF-8. */
static gunichar char_before(const char *s, size_t n, size_t i, size_t *start)
{
	if (i == 0)
		return (gunichar)-1;
	size_t j = i - 1;
	while (j > 0 && i - j < 4 && ((unsigned char)s[j] & 0xC0) == 0x80)
		j--;
	size_t len;
	gunichar c = char_at(s, n, j, &len);
	if (j + len != i) { /* a stray continuation byte */
		*start = i - 1;
		return (gunichar)-1;
	}
	*start = j;
	return c;
}

static int is_alnum(gunichar c)
{
	if (c < 0x80)
		return g_ascii_isalnum((char)c);
	return c != (gunichar)-1 && g_unichar_isalnum(c);
}

/* A letter or digit of a word, in any script: what a number or an address
 * must not be glued to. */
static int is_word(gunichar c)
{
	return c == '_' || is_alnum(c);
}

static int is_local(gunichar c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

/* The end of the domain that starts at s[i]: dotted labels of letters,
 * digits and hyphens, without a trailing dot or hyphen; i when none. */
static size_t domain_end(const char *s, size_t n, size_t i)
{
	size_t end = i, k = i, len;
	for (;;) {
		size_t label = k;
		while (k < n) {
			gunichar c = char_at(s, n, k, &len);
			if (!is_alnum(c) && c != '-')
				break;
			k += len;
			if (c != '-')
				end = k;
		}
		if (k == label || end <= label)
			break;
		if (k < n && s[k] == '.' && k + 1 < n && is_alnum(char_at(s, n, k + 1, &len)))
			k++;
		else
			break;
	}
	return end;
}

static int mask_emails(const char *s, size_t n, fl_buf *out)
{
	size_t from = 0; /* s[0..from) is in out */
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '@')
			continue;
		size_t j = i, p;
		while (j > from) {
			gunichar c = char_before(s, n, j, &p);
			if (!is_local(c) || p < from ||
			    (c == '.' && s[j] == '.')) /* no ".." in an address */
				break;
			j = p;
		}
		/* Punctuation before the first letter belongs to the sentence. */
		while (j < i && strchr(".+-%_", s[j]))
			j++;
		if (j == i)
			continue;
		size_t end = domain_end(s, n, i + 1);
		if (end == i + 1)
			continue;
		size_t first;
		char_at(s, n, j, &first);
		if (fl_buf_add(out, s + from, j - from) || fl_buf_add(out, s + j, first) ||
		    fl_buf_adds(out, ELLIPSIS "@" ELLIPSIS))
			return -1;
		from = end;
		i = end - 1;
	}
	return fl_buf_add(out, s + from, n - from) ? -1 : 0;
}

/* The separator at s[i] and its length: space, no-break space, - . / ( ). */
static size_t sep_len(const char *s, size_t n, size_t i)
{
	if (s[i] && strchr(" -./()", s[i]))
		return 1;
	if (i + 1 < n && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0)
		return 2;
	return 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

#define MAX_GROUPS 32

struct run {
	size_t end;                /* just past the last digit */
	size_t digits;             /* in all */
	size_t ngroups;            /* up to MAX_GROUPS counted in len[] */
	size_t len[MAX_GROUPS];    /* each group's digits */
	char sep[MAX_GROUPS];      /* the first separator before each group (0: none) */
	size_t seplen[MAX_GROUPS]; /* the separator run's bytes */
};

/* Reads the run of digit groups from s[i] (after any "+"). */
static void read_run(const char *s, size_t n, size_t i, struct run *r)
{
	memset(r, 0, sizeof *r);
	r->end = i;
	size_t k = i;
	while (k < n) {
		size_t g = k, seps = 0, l;
		while (g < n && seps < 2 && (l = sep_len(s, n, g))) {
			g += l;
			seps++;
		}
		size_t d = g;
		while (d < n && is_digit(s[d]))
			d++;
		if (d == g)
			break;
		/* 14:30 is a time of day, not the end of a number. */
		if (d + 1 < n && s[d] == ':' && is_digit(s[d + 1]))
			break;
		if (r->ngroups < MAX_GROUPS) {
			r->len[r->ngroups] = d - g;
			r->sep[r->ngroups] = g > k ? s[k] : 0;
			r->seplen[r->ngroups] = g - k;
		}
		r->ngroups++;
		r->digits += d - g;
		r->end = k = d;
	}
}

/* 07.12.2026, 2026-12-07, 7/12/2026: three groups, one separator. */
static int is_date(const struct run *r)
{
	if (r->ngroups != 3 || r->seplen[1] != 1 || r->seplen[2] != 1 || r->sep[1] != r->sep[2] ||
	    !strchr(".-/", r->sep[1]))
		return 0;
	size_t a = r->len[0], b = r->len[1], c = r->len[2];
	return (a <= 2 && b <= 2 && c == 4) || (a == 4 && b <= 2 && c <= 2);
}

/* A sum: 1 234 567 or 1.234.567 (the first group 1 to 3 digits, not
 * starting with 0, then groups of 3 with one and the same separator),
 * perhaps with cents after a dot (1 234 567.89); 12345.67 too. */
static int is_sum(const char *s, size_t start, const struct run *r)
{
	if (r->ngroups > MAX_GROUPS || s[start] == '0' || s[start] == '(')
		return 0;
	size_t last = r->ngroups;
	if (r->ngroups >= 2 && r->len[last - 1] <= 2 && r->seplen[last - 1] == 1 &&
	    r->sep[last - 1] == '.')
		last--;
	if (last == 1)
		return r->ngroups == 2;
	if (r->len[0] > 3)
		return 0;
	for (size_t g = 1; g < last; g++) {
		int same = r->seplen[g] == r->seplen[1] && r->sep[g] == r->sep[1];
		int thousands = (r->seplen[g] == 1 && (r->sep[g] == ' ' || r->sep[g] == '.')) ||
				(r->seplen[g] == 2 && r->sep[g] == '\xC2'); /* no-break space */
		if (r->len[g] != 3 || !same || !thousands)
			return 0;
	}
	return last == r->ngroups || r->sep[1] != '.';
}

static int is_phone(const char *s, size_t start, int plus, const struct run *r)
{
	if (plus)
		return r->digits >= 7;
	if (r->digits < 7 || is_sum(s, start, r))
		return 0;
	if (r->digits >= 9)
		return 1;
	return r->ngroups > 1 && !is_date(r);
}

static int mask_phones(const char *s, size_t n, fl_buf *out)
{
	size_t from = 0, i = 0, len, p;
	while (i < n) {
		char c = s[i];
		int plus = c == '+' && i + 1 < n && is_digit(s[i + 1]);
		int paren = c == '(' && i + 1 < n && is_digit(s[i + 1]);
		if (!plus && !paren && !is_digit(c)) {
			i++;
			continue;
		}
		if (is_word(char_before(s, n, i, &p))) { /* digits inside a word: A4, ID12345678 */
			if (!is_digit(c))
				i++;
			while (i < n && is_digit(s[i]))
				i++;
			continue;
		}
		struct run r;
		read_run(s, n, plus ? i + 1 : i, &r);
		size_t end = r.end;
		int glued = end < n && is_word(char_at(s, n, end, &len));
		if (glued || !is_phone(s, i, plus, &r)) {
			i = end > i ? end : i + 1;
			continue;
		}
		char last[2];
		size_t got = 0;
		for (size_t k = end; k > i && got < 2; k--)
			if (is_digit(s[k - 1]))
				last[1 - got++] = s[k - 1];
		if (fl_buf_add(out, s + from, i - from))
			return -1;
		if (plus) {
			size_t cc = r.len[0] < 3 ? r.len[0] : 3;
			if (fl_buf_addc(out, '+') || fl_buf_add(out, s + i + 1, cc) ||
			    fl_buf_addc(out, ' '))
				return -1;
		}
		if (fl_buf_adds(out, ELLIPSIS " ") || fl_buf_add(out, last, 2))
			return -1;
		from = i = end;
	}
	return fl_buf_add(out, s + from, n - from) ? -1 : 0;
}

char *fl_redact_contacts(const char *text, fl_arena *a)
{
	if (!text)
		return NULL;
	size_t n = strlen(text);
	/* A mask is at most 8 bytes longer than what it replaces ("a@b"). */
	size_t max = n * 4 + 64;
	fl_buf mid, out;
	fl_buf_init(&mid, max);
	fl_buf_init(&out, max);
	char *res = NULL;
	if (mask_emails(text, n, &mid) == 0 && mask_phones(mid.p ? mid.p : "", mid.n, &out) == 0)
		res = fl_arena_strndup(a, out.p ? out.p : "", out.n);
	fl_buf_free(&mid);
	fl_buf_free(&out);
	return res;
}
