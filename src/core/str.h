/* Two string types.
 *
 * fl_str: a borrowed view {p, n}; it owns nothing and need not be
 * NUL-terminated.
 * fl_buf: a growable buffer, always NUL-terminated, that refuses to grow past
 * its cap (FL_ETOOBIG) so that no outside input can make it unbounded. */
#ifndef FL_CORE_STR_H
#define FL_CORE_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	const char *p;
	size_t n;
} fl_str;

#define FL_STR(lit) ((fl_str){(lit), sizeof(lit) - 1})

fl_str fl_str_c(const char *z);
bool fl_str_eq(fl_str a, const char *z);
bool fl_str_eqi(fl_str a, const char *z); /* ASCII case-insensitive */

/* Parses a whole decimal int64 (optional leading '-'); FL_EMALFORMED on
 * anything else, including overflow and empty input. */
int fl_str_to_i64(fl_str s, int64_t *out);

/* Checks that s is well-formed UTF-8 (no overlongs, no surrogates). */
bool fl_utf8_valid(const char *p, size_t n);
/* Number of code points in valid UTF-8. */
size_t fl_utf8_len(const char *p, size_t n);
/* Bytes of the first max code points of valid UTF-8 (all n when fewer). */
size_t fl_utf8_prefix(const char *p, size_t n, size_t max);

typedef struct {
	char *p;    /* always NUL-terminated once anything was added */
	size_t n;   /* bytes used, without the NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* refuse to grow beyond this many bytes (0: 16 MiB) */
} fl_buf;

void fl_buf_init(fl_buf *b, size_t max);
int fl_buf_add(fl_buf *b, const void *p, size_t n);
int fl_buf_adds(fl_buf *b, const char *z);
int fl_buf_addc(fl_buf *b, char c);
int fl_buf_addf(fl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int fl_buf_vaddf(fl_buf *b, const char *fmt, va_list ap);
/* The length of the bidirectional embedding, override or isolate that p
 * (n bytes) starts with in UTF-8 — U+202A–U+202E, U+2066–U+2069, 3 bytes —
 * or 0: what turns the text around it when it is shown. */
size_t fl_utf8_bidi_control(const char *p, size_t n);

/* Appends z with &, <, >, " and ' escaped for HTML text and attributes,
 * and without bidirectional embeddings, overrides and isolates (U+202A–
 * U+202E, U+2066–U+2069), which would turn the page's text around them. */
int fl_buf_add_html(fl_buf *b, const char *p, size_t n);
/* Appends p (n bytes) as UTF-8: each byte that does not start a well-formed
 * sequence becomes U+FFFD, the rest is as it is. For text from the store
 * that must become JSON, which cannot hold what is not UTF-8. */
int fl_buf_add_utf8(fl_buf *b, const char *p, size_t n);
void fl_buf_reset(fl_buf *b);
/* Returns the string (never NULL: "" when empty) and leaves b empty; the
 * caller frees it with free(). */
char *fl_buf_steal(fl_buf *b);
void fl_buf_free(fl_buf *b);

/* Normalizes an e-mail address in place (lower case, trimmed) and checks its
 * shape: valid UTF-8, one '@', a non-empty local part of atext and dots
 * (RFC 5322 section 3.4.1; UTF-8 allowed, RFC 6532), a dotted domain of
 * letters, digits, hyphens and underscores or a bracketed address literal,
 * no quotes, spaces, comments or control characters, at most 254 bytes. */
int fl_email_normalize(char *z);

/* Checks z as the base of links we send people — http:// or https://, a
 * host, an optional port and path, printable ASCII (a host name in
 * punycode), none of " < > \\ ? # @ (no query, fragment or user part to
 * smuggle a second host in), at most 255 bytes — and drops trailing
 * slashes in place. 0 or FL_EINVAL. */
int fl_url_base_normalize(char *z);

/* Lower-hex encoding of n bytes into out (2n+1 bytes). */
void fl_hex(char *out, const unsigned char *p, size_t n);

#endif
