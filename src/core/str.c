#include "core/str.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

#define BUF_DEFAULT_MAX (16u << 20)

fl_str fl_str_c(const char *z)
{
	return (fl_str){z, z ? strlen(z) : 0};
}

bool fl_str_eq(fl_str a, const char *z)
{
	size_t n = strlen(z);
	return a.n == n && memcmp(a.p, z, n) == 0;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

bool fl_str_eqi(fl_str a, const char *z)
{
	size_t n = strlen(z);
	if (a.n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(a.p[i]) != lower(z[i]))
			return false;
	return true;
}

int fl_str_to_i64(fl_str s, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	uint64_t v = 0;
	uint64_t limit = (uint64_t)INT64_MAX;

	if (s.n > 0 && s.p[0] == '-') {
		neg = true;
		limit += 1;
		i = 1;
	}
	if (i == s.n || s.n - i > 19)
		return FL_EMALFORMED;
	for (; i < s.n; i++) {
		unsigned d = (unsigned char)s.p[i] - '0';
		if (d > 9 || v > (limit - d) / 10)
			return FL_EMALFORMED;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

bool fl_utf8_valid(const char *z, size_t n)
{
	const unsigned char *p = (const unsigned char *)z;
	size_t i = 0;

	while (i < n) {
		unsigned c = p[i];
		size_t len;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2, cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

int fl_buf_add_utf8(fl_buf *b, const char *z, size_t n)
{
	static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
	const unsigned char *p = (const unsigned char *)z;
	size_t i = 0, run = 0;
	int rc = 0;

	while (i < n && !rc) {
		unsigned c = p[i];
		size_t len = c < 0x80             ? 1
			     : (c & 0xE0) == 0xC0 ? 2
			     : (c & 0xF0) == 0xE0 ? 3
			     : (c & 0xF8) == 0xF0 ? 4
						  : 0;

		if (len && len <= n - i && fl_utf8_valid(z + i, len)) {
			i += len;
			continue;
		}
		/* the valid run before, then one replacement for this byte */
		rc = fl_buf_add(b, z + run, i - run);
		if (!rc)
			rc = fl_buf_add(b, replacement, 3);
		run = ++i;
	}
	return rc ? rc : fl_buf_add(b, z + run, n - run);
}

size_t fl_utf8_len(const char *z, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)z[i] & 0xC0) != 0x80)
			count++;
	return count;
}

size_t fl_utf8_prefix(const char *z, size_t n, size_t max)
{
	size_t cut = 0;
	for (size_t chars = 0; cut < n && chars < max; chars++) {
		cut++;
		while (cut < n && ((unsigned char)z[cut] & 0xC0) == 0x80)
			cut++;
	}
	return cut;
}

void fl_buf_init(fl_buf *b, size_t max)
{
	b->p = NULL;
	b->n = 0;
	b->cap = 0;
	b->max = max ? max : BUF_DEFAULT_MAX;
}

static int grow(fl_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > b->max || b->n > b->max - extra)
		return FL_ETOOBIG;
	need = b->n + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return FL_ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int fl_buf_add(fl_buf *b, const void *p, size_t n)
{
	int rc = grow(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = 0;
	return 0;
}

int fl_buf_adds(fl_buf *b, const char *z)
{
	return fl_buf_add(b, z, strlen(z));
}

int fl_buf_addc(fl_buf *b, char c)
{
	return fl_buf_add(b, &c, 1);
}

int fl_buf_vaddf(fl_buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int len, rc;

	va_copy(copy, ap);
	len = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (len < 0)
		return FL_EINTERNAL;
	rc = grow(b, (size_t)len);
	if (rc)
		return rc;
	vsnprintf(b->p + b->n, (size_t)len + 1, fmt, ap);
	b->n += (size_t)len;
	return 0;
}

int fl_buf_addf(fl_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = fl_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

size_t fl_utf8_bidi_control(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;

	if (n < 3 || u[0] != 0xe2)
		return 0;
	if ((u[1] == 0x80 && u[2] >= 0xaa && u[2] <= 0xae) ||
	    (u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9))
		return 3;
	return 0;
}

int fl_buf_add_html(fl_buf *b, const char *p, size_t n)
{
	int rc = 0;
	size_t start = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		const char *rep;
		if (fl_utf8_bidi_control(p + i, n - i)) {
			/* dropped: it would turn the page's text around it */
			rc = fl_buf_add(b, p + start, i - start);
			start = i + 3;
			i += 2;
			continue;
		}
		switch (p[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		rc = fl_buf_add(b, p + start, i - start);
		if (!rc)
			rc = fl_buf_adds(b, rep);
		start = i + 1;
	}
	if (!rc)
		rc = fl_buf_add(b, p + start, n - start);
	return rc;
}

void fl_buf_reset(fl_buf *b)
{
	b->n = 0;
	if (b->p)
		b->p[0] = 0;
}

char *fl_buf_steal(fl_buf *b)
{
	char *p = b->p;
	if (!p)
		p = calloc(1, 1);
	b->p = NULL;
	b->n = b->cap = 0;
	return p;
}

void fl_buf_free(fl_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}

void fl_hex(char *out, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

/* RFC 5322 atext, and any byte of a UTF-8 sequence (RFC 6532). */
static int atext(unsigned char c)
{
	return isalnum(c) || c >= 0x80 || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

int fl_email_normalize(char *z)
{
	size_t len = strlen(z), at = 0, nat = 0;
	char *start = z;

	while (*start == ' ' || *start == '\t')
		start++, len--;
	while (len && (start[len - 1] == ' ' || start[len - 1] == '\t'))
		len--;
	memmove(z, start, len);
	z[len] = 0;
	if (len < 3 || len > 254 || !fl_utf8_valid(z, len))
		return FL_EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)z[i];
		if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' ||
		    c == '"' || c == '\\')
			return FL_EINVAL;
		if (c >= 'A' && c <= 'Z')
			z[i] = (char)(c + 32);
		if (c == '@')
			at = i, nat++;
	}
	if (nat != 1 || at == 0 || at == len - 1)
		return FL_EINVAL;
	/* RFC 5322 section 3.4.1 with RFC 6532's UTF-8: a dot-atom local part
	 * (atext and dots), a domain of letters, digits, hyphens and dots (or
	 * a bracketed literal of an address): nothing a mail program reads as
	 * a comment, a group or a route, so the envelope and the header we
	 * write name the same mailbox */
	for (size_t i = 0; i < at; i++)
		if (!atext((unsigned char)z[i]) && z[i] != '.')
			return FL_EINVAL;
	if (z[at + 1] == '[') {
		if (z[len - 1] != ']')
			return FL_EINVAL;
		for (size_t i = at + 2; i < len - 1; i++)
			if (!isalnum((unsigned char)z[i]) && z[i] != '.' && z[i] != ':')
				return FL_EINVAL;
	} else {
		for (size_t i = at + 1; i < len; i++) {
			unsigned char c = (unsigned char)z[i];
			if (!isalnum(c) && c < 0x80 && c != '-' && c != '.' && c != '_')
				return FL_EINVAL;
		}
	}
	if (z[at + 1] != '[' && !strchr(z + at + 1, '.'))
		return FL_EINVAL;
	if (z[len - 1] == '.' || z[at + 1] == '.')
		return FL_EINVAL;
	return 0;
}

int fl_url_base_normalize(char *z)
{
	size_t len = strlen(z), scheme;

	if (!strncmp(z, "http://", 7))
		scheme = 7;
	else if (!strncmp(z, "https://", 8))
		scheme = 8;
	else
		return FL_EINVAL;
	if (len > 255 || strpbrk(z, "\"<>\\?#@"))
		return FL_EINVAL;
	for (size_t i = 0; i < len; i++)
		if (z[i] <= ' ' || z[i] > '~')
			return FL_EINVAL;
	while (len > scheme && z[len - 1] == '/')
		z[--len] = 0;
	/* a host: something before the first '/' or ':' */
	if (len == scheme || z[scheme] == '/' || z[scheme] == ':')
		return FL_EINVAL;
	return 0;
}
