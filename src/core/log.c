#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/time.h"

#define LINE_MAX_BYTES 4096
#define MAX_FIELDS 16

static int quiet;
static enum fl_log_format format = FL_LOG_TEXT;
static _Thread_local const char *request_id;

void fl_log_quiet(int q)
{
	quiet = q;
}

void fl_log_set_format(enum fl_log_format f)
{
	format = f;
}

const char *fl_log_set_request(const char *id)
{
	const char *before = request_id;
	request_id = id;
	return before;
}

const char *fl_log_request(void)
{
	return request_id;
}

/* A line being written into a fixed buffer. Room for what closes the line
 * ("\"}\n" at most) is always kept; once something did not fit, cut is set
 * and nothing more is added but the close. */
struct line {
	char *p;
	size_t n, cap; /* cap: what may be used before the close */
	int cut;
};

static int fits(struct line *w, size_t len)
{
	if (!w->cut && w->n + len <= w->cap)
		return 1;
	w->cut = 1;
	return 0;
}

static void put(struct line *w, const char *z, size_t len)
{
	memcpy(w->p + w->n, z, len);
	w->n += len;
}

/* The length of the UTF-8 sequence at z, or 0 when it is not one (RFC 3629
 * section 4's table of well-formed sequences). Reads no further than the
 * first byte that does not fit, so never past the string's NUL. */
static size_t utf8_len(const unsigned char *z)
{
	unsigned char c = z[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (z[1] < lo || z[1] > hi)
		return 0;
	for (size_t k = 2; k < len; k++)
		if (z[k] < 0x80 || z[k] > 0xbf)
			return 0;
	return len;
}

/* Writes z as the inside of a JSON string, character by character while
 * each fits (RFC 8259 section 7). */
static void json_text(struct line *w, const char *z)
{
	const unsigned char *s = (const unsigned char *)(z ? z : "");

	while (*s && !w->cut) {
		char esc[8];
		const char *piece = esc;
		size_t len = 1, take = 1;

		if (*s == '"' || *s == '\\')
			esc[0] = '\\', esc[1] = (char)*s, len = 2;
		else if (*s == '\n')
			piece = "\\n", len = 2;
		else if (*s == '\r')
			piece = "\\r", len = 2;
		else if (*s == '\t')
			piece = "\\t", len = 2;
		else if (*s < 0x20 || *s == 0x7f)
			len = (size_t)snprintf(esc, sizeof esc, "\\u%04x", *s);
		else if (*s < 0x80)
			esc[0] = (char)*s;
		else if ((take = utf8_len(s)))
			piece = (const char *)s, len = take;
		else
			piece = "\\ufffd", len = 6, take = 1;
		if (!fits(w, len))
			break;
		put(w, piece, len);
		s += take;
	}
}

/* Writes z for the text format: control characters as '?'. */
static void plain_text(struct line *w, const char *z, int quote)
{
	for (const char *s = z ? z : ""; *s && fits(w, quote && (*s == '"' || *s == '\\') ? 2 : 1);
	     s++) {
		if (quote && (*s == '"' || *s == '\\'))
			put(w, "\\", 1);
		put(w, (unsigned char)*s < 0x20 || *s == 0x7f ? "?" : s, 1);
	}
}

/* A number field's text; microseconds are durations, never below 0. */
static size_t number(char *buf, size_t cap, const struct fl_log_field *f)
{
	uint64_t us = f->num > 0 ? (uint64_t)f->num : 0;

	if (f->kind == FL_LOG_US_AS_MS)
		return (size_t)snprintf(buf, cap, "%llu.%03llu", (unsigned long long)(us / 1000),
					(unsigned long long)(us % 1000));
	return (size_t)snprintf(buf, cap, "%lld", (long long)f->num);
}

static void json_field(struct line *w, const struct fl_log_field *f)
{
	char num[32];
	size_t klen = strlen(f->key), nlen = f->kind == FL_LOG_STR ? 2 : number(num, sizeof num, f);

	/* ,"key": and the value's quotes, or the whole number */
	if (!fits(w, klen + 4 + nlen))
		return;
	put(w, ",\"", 2);
	put(w, f->key, klen);
	put(w, "\":", 2);
	if (f->kind != FL_LOG_STR) {
		put(w, num, nlen);
		return;
	}
	put(w, "\"", 1);
	w->cap--; /* the closing quote's room */
	json_text(w, f->text);
	w->cap++;
	put(w, "\"", 1);
}

static void text_field(struct line *w, const struct fl_log_field *f)
{
	char num[32];
	size_t klen = strlen(f->key);
	const char *v = f->text ? f->text : "";
	int quote = f->kind == FL_LOG_STR && (!*v || strpbrk(v, " \"=\\"));

	size_t vlen = f->kind == FL_LOG_STR ? 2 * (size_t)quote : number(num, sizeof num, f);

	/* " key=" and the value's quotes, or the whole number */
	if (!fits(w, klen + 2 + vlen))
		return;
	put(w, " ", 1);
	put(w, f->key, klen);
	put(w, "=", 1);
	if (f->kind != FL_LOG_STR) {
		put(w, num, vlen);
		return;
	}
	if (quote)
		put(w, "\"", 1);
	w->cap -= quote; /* the closing quote's room */
	plain_text(w, v, quote);
	w->cap += quote;
	if (quote)
		put(w, "\"", 1);
}

size_t fl_log_render(char *out, size_t cap, enum fl_log_format fmt, const char *time,
		     const char *level, const char *msg, const struct fl_log_field *f, size_t n)
{
	/* the close: "}\n" after a value's closing quote */
	struct line w = {out, 0, cap - 3, 0};

	if (fmt == FL_LOG_JSON) {
		put(&w, "{\"time\":\"", 9);
		json_text(&w, time);
		if (fits(&w, 11)) {
			put(&w, "\",\"level\":\"", 11);
			json_text(&w, level);
		}
		if (fits(&w, 9)) {
			put(&w, "\",\"msg\":\"", 9);
			json_text(&w, msg);
		}
		put(&w, "\"", 1);
		w.cap++;
		for (size_t i = 0; i < n; i++)
			json_field(&w, &f[i]);
		put(&w, "}", 1);
	} else {
		plain_text(&w, time, 0);
		if (fits(&w, 1)) {
			put(&w, " ", 1);
			plain_text(&w, level, 0);
		}
		if (fits(&w, 1)) {
			put(&w, " ", 1);
			plain_text(&w, msg, 0);
		}
		for (size_t i = 0; i < n; i++)
			text_field(&w, &f[i]);
	}
	out[w.n++] = '\n';
	return w.n;
}

/* The time of a line: to the second in text, to the millisecond in JSON
 * ("2026-12-07T03:23:00.123Z"). */
static void line_time(char out[32])
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	fl_time_iso(ts.tv_sec, out);
	if (format == FL_LOG_JSON)
		snprintf(out + 19, 13, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
}

void fl_log_fields(const char *level, const char *msg, const struct fl_log_field *f, size_t n)
{
	struct fl_log_field all[MAX_FIELDS + 1];
	char line[LINE_MAX_BYTES], ts[32];
	size_t len, k = 0;
	int has_id = 0;

	if (quiet && strcmp(level, "info") == 0)
		return;
	for (size_t i = 0; i < n && k < MAX_FIELDS; i++) {
		has_id |= !strcmp(f[i].key, "request_id");
		all[k++] = f[i];
	}
	if (request_id && !has_id)
		all[k++] = (struct fl_log_field){"request_id", FL_LOG_STR, request_id, 0};
	line_time(ts);
	len = fl_log_render(line, sizeof line, format, ts, level, msg, all, k);
	if (write(STDERR_FILENO, line, len) < 0)
		return;
}

void fl_log(const char *level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (quiet && strcmp(level, "info") == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fl_log_fields(level, msg, NULL, 0);
}
