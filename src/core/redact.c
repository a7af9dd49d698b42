/* Contact details masked in free text (redact.h): two passes over the
 * text, e-mail addresses first (so that the digits of "0671234567@ex.com"
 * go with the address), then telephone numbers in what is left. Each pass
 * reads a byte a bounded number of times (an address's local part is read
 * back no further than the last at-sign, a domain literal no further than
 * LITERAL_MAX, a run of digits once), so the whole is linear. */
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

/* A character of an address's local part: letters, digits and the
 * punctuation RFC 5322 allows there ("ivan&co", "o'brien"), but for / = ?,
 * which in a link end the parameter before it ("?u=ivan@ex.com"). */
static int is_local(gunichar c)
{
	return is_alnum(c) || (c > 0 && c < 0x80 && strchr(".!#$%&'*+-^_`{|}~", (int)c));
}

/* The at-sign at s[i] and its length: "@", or "%40" as a link has it; 0
 * for none. */
static size_t at_len(const char *s, size_t n, size_t i)
{
	if (s[i] == '@')
		return 1;
	return s[i] == '%' && i + 2 < n && s[i + 1] == '4' && s[i + 2] == '0' ? 3 : 0;
}

/* The longest domain literal read: "[10.0.0.1]", "[IPv6:2001:db8::1]". */
#define LITERAL_MAX 64

/* The end of the domain that starts at s[i]: dotted labels of letters,
 * digits and hyphens, without a trailing dot or hyphen, or an address in
 * brackets (its "]" too when it is there); i when none. */
static size_t domain_end(const char *s, size_t n, size_t i)
{
	size_t end = i, k = i, len;
	if (i < n && s[i] == '[') {
		k = i + 1;
		while (k < n && k - i <= LITERAL_MAX &&
		       (g_ascii_isalnum(s[k]) || s[k] == '.' || s[k] == ':'))
			k++;
		if (k == i + 1)
			return i;
		return k < n && s[k] == ']' ? k + 1 : k;
	}
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
		size_t at = at_len(s, n, i), j = i, p, len;
		if (!at)
			continue;
		while (j > from) {
			gunichar c = char_before(s, n, j, &p);
			if (!is_local(c) || p < from ||
			    (c == '.' && s[j] == '.') ||   /* no ".." in an address */
			    (c == '%' && at_len(s, n, p))) /* another address's "%40" */
				break;
			j = p;
		}
		/* Punctuation before the first letter belongs to the sentence. */
		while (j < i && !is_alnum(char_at(s, n, j, &len)))
			j += len;
		if (j == i)
			continue;
		size_t end = domain_end(s, n, i + at);
		if (end == i + at)
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

/* The separator at s[i]: its length in bytes (0: none), and its kind in
 * *kind: ' ' a space (space, tab, "%20" as a link has it), 'n' a space
 * that holds a number together (no-break, thin, narrow no-break), '-' a
 * hyphen or a dash (U+2010 to U+2015, the minus sign), or itself: . / ( ) +
 * ("+" joins groups as a form sends spaces: "067+123+45+67"). */
static size_t sep_at(const char *s, size_t n, size_t i, char *kind)
{
	unsigned char b = (unsigned char)s[i], m = i + 1 < n ? (unsigned char)s[i + 1] : 0,
		      c = i + 2 < n ? (unsigned char)s[i + 2] : 0;
	*kind = ' ';
	if (b == ' ' || b == '\t' || (b == '%' && m == '2' && c == '0'))
		return b == '%' ? 3 : 1;
	if (b && strchr("-./()+", b)) {
		*kind = (char)b;
		return 1;
	}
	*kind = 'n';
	if (b == 0xC2 && m == 0xA0)
		return 2;
	if (b == 0xE2 && m == 0x80 && (c == 0x89 || c == 0xAF))
		return 3;
	*kind = '-';
	if (b == 0xE2 && ((m == 0x80 && c >= 0x90 && c <= 0x95) || (m == 0x88 && c == 0x92)))
		return 3;
	return 0;
}

/* The "+" that starts a number at s[i] and its length: "+", or "%2B" as a
 * link has it; 0 when there is none or no digit after it. */
static size_t plus_len(const char *s, size_t n, size_t i)
{
	size_t l = 0;
	if (s[i] == '+')
		l = 1;
	else if (s[i] == '%' && i + 2 < n && s[i + 1] == '2' &&
		 (s[i + 2] == 'B' || s[i + 2] == 'b'))
		l = 3;
	return l && i + l < n && s[i + l] >= '0' && s[i + l] <= '9' ? l : 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

#define MAX_GROUPS 32
#define MAX_SEPS 3 /* separators between two groups: "067 - 123" */

struct run {
	size_t end;              /* just past the last digit */
	size_t digits;           /* in all */
	size_t ngroups;          /* up to MAX_GROUPS counted in len[] */
	size_t len[MAX_GROUPS];  /* each group's digits */
	char sep[MAX_GROUPS];    /* the kind of separator before each group (sep_at; 0:
				   none): the first that is not a space, else the first */
	size_t nsep[MAX_GROUPS]; /* how many separators there were */
};

/* Reads the run of digit groups from s[i] (after any "+"). */
static void read_run(const char *s, size_t n, size_t i, struct run *r)
{
	memset(r, 0, sizeof *r);
	r->end = i;
	size_t k = i;
	while (k < n) {
		size_t g = k, seps = 0, l;
		char kind, sep = 0;
		while (g < n && seps < MAX_SEPS && (l = sep_at(s, n, g, &kind))) {
			if (!sep || ((sep == ' ' || sep == 'n') && kind != ' ' && kind != 'n'))
				sep = kind;
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
			r->sep[r->ngroups] = sep;
			r->nsep[r->ngroups] = seps;
		}
		r->ngroups++;
		r->digits += d - g;
		r->end = k = d;
	}
}

/* 07.12.2026, 2026-12-07, 7/12/2026: three groups, one separator. */
static int is_date(const struct run *r)
{
	if (r->ngroups != 3 || r->nsep[1] != 1 || r->nsep[2] != 1 || r->sep[1] != r->sep[2] ||
	    !strchr(".-/", r->sep[1]))
		return 0;
	size_t a = r->len[0], b = r->len[1], c = r->len[2];
	return (a <= 2 && b <= 2 && c == 4) || (a == 4 && b <= 2 && c <= 2);
}

/* A sum: 1 234 567 or 1.234.567 (the first group 1 to 3 digits, not
 * starting with 0, then groups of 3 with one and the same separator),
 * perhaps with cents after a dot (1 234 567.89); 12345.67 too. Of 8 digits
 * at most before the cents: 612 345 678 is a telephone number. */
static int is_sum(const char *s, size_t start, const struct run *r)
{
	if (r->ngroups > MAX_GROUPS || s[start] == '0' || s[start] == '(')
		return 0;
	size_t last = r->ngroups, whole = r->digits;
	if (r->ngroups >= 2 && r->len[last - 1] <= 2 && r->nsep[last - 1] == 1 &&
	    r->sep[last - 1] == '.')
		whole -= r->len[--last];
	if (whole > 8)
		return 0;
	if (last == 1)
		return r->ngroups == 2;
	if (r->len[0] > 3)
		return 0;
	for (size_t g = 1; g < last; g++)
		if (r->len[g] != 3 || r->nsep[g] != 1 || r->sep[g] != r->sep[1] ||
		    !strchr(" n.", r->sep[g]))
			return 0;
	return last == r->ngroups || r->sep[1] != '.';
}

/* glued: the run touches a letter or digit of a word, before or after. */
static int is_phone(const char *s, size_t start, int plus, int glued, const struct run *r)
{
	if (plus)
		return r->digits >= 7;
	if (r->digits < 7 || is_sum(s, start, r))
		return 0;
	if (r->digits >= 9)
		return 1;
	return !glued && r->ngroups > 1 && !is_date(r);
}

static int mask_phones(const char *s, size_t n, fl_buf *out)
{
	size_t from = 0, i = 0, len, p;
	while (i < n) {
		size_t plus = plus_len(s, n, i);
		int paren = s[i] == '(' && i + 1 < n && is_digit(s[i + 1]);
		if (!plus && !paren && !is_digit(s[i])) {
			i++;
			continue;
		}
		struct run r;
		read_run(s, n, i + plus, &r);
		size_t end = r.end;
		/* tel0671234567, 0671234567ok: 9 digits are a number even so. */
		int glued = is_word(char_before(s, n, i, &p)) ||
			    (end < n && is_word(char_at(s, n, end, &len)));
		if (!is_phone(s, i, plus > 0, glued, &r)) {
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
			if (fl_buf_add(out, s + i, plus) || fl_buf_add(out, s + i + plus, cc) ||
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
